package dev.jreg.cli;

import dev.jreg.auth.DockerConfigKeychain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code jreg logout}: forget a registry's credentials. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Remove a registry's stored credentials (Docker Hub by default), from the helper or config.json.")
final class LogoutCommand implements Callable<Integer> {
    @ParentCommand
    private JregCommand root;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVER", description = "Registry host[:port] (default: Docker Hub).")
    private String server;

    @Override
    public Integer call() throws Exception {
        String registry = Registries.normalize(server);
        CliContext context = root.context();
        boolean removed = DockerConfigKeychain.fromEnvironment(context.env(), context.home()).erase(registry);
        context.out().println(removed ? "Removing login credentials for " + DockerConfigKeychain.keyOf(registry)
                : "Not logged in to " + DockerConfigKeychain.keyOf(registry));
        return ExitCodes.OK;
    }
}
