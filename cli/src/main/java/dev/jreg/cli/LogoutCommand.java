package dev.jreg.cli;

import dev.jreg.auth.DockerConfigKeychain;

/** {@code jreg logout}: forget a registry's credentials. */
final class LogoutCommand extends Subcommand {
    private String server;

    @Override
    CommandModel model() {
        return CommandModel.of("logout", this,
                        "Remove a registry's stored credentials (Docker Hub by default), from the helper or config.json.",
                        "Credentials that podman or skopeo stored in their auth.json stay: jreg names the file, and"
                                + " podman logout (or skopeo logout) removes them.")
                .optionalParameter("SERVER", "Registry host[:port] (default: Docker Hub).", v -> server = v);
    }

    @Override
    public Integer call() throws Exception {
        String registry = Registries.normalize(server);
        CliContext context = root.context();
        boolean removed = DockerConfigKeychain.fromEnvironment(context.env(), context.home()).erase(registry);
        context.out().println(removed ? "Removing login credentials for " + DockerConfigKeychain.keyOf(registry)
                : "Not logged in to " + DockerConfigKeychain.keyOf(registry));
        // jreg reads podman's files but leaves them to podman, as podman leaves docker's to docker.
        for (DockerConfigKeychain podman : DockerConfigKeychain.containersAuth(context.env(), context.home())) {
            if (podman.holds(registry)) {
                context.err().println("Credentials for " + registry + " remain in " + podman.file()
                        + ", which jreg still reads; podman logout " + registry + " removes them");
            }
        }
        return ExitCodes.OK;
    }
}
