package dev.jreg.cli;

import dev.jreg.auth.Credentials;
import dev.jreg.auth.DockerConfigKeychain;
import java.io.Console;
import java.nio.charset.StandardCharsets;

/** {@code jreg login}: check credentials and store them where docker would. */
final class LoginCommand extends Subcommand {
    private String server;
    private String username;
    private String password;
    private boolean passwordStdin;

    @Override
    CommandModel model() {
        return CommandModel.of("login", this,
                        "Log in to a registry (Docker Hub by default).",
                        "The credentials are stored as docker stores them: in the credHelpers/credsStore helper when"
                                + " configured, else in auths of $DOCKER_CONFIG/config.json (~/.docker/config.json), mode 0600,"
                                + " keeping everything else in the file. jreg also reads podman's and skopeo's auth.json, but"
                                + " writes only docker's file.")
                .optionalParameter("SERVER", "Registry host[:port] (default: Docker Hub).", v -> server = v)
                .option("-u, --username", "USER", "Username.", v -> username = v)
                .option("-p, --password", "PASSWORD",
                        "Password (insecure: prefer --password-stdin).", v -> password = v)
                .flag("--password-stdin", "Read the password from standard input.", v -> passwordStdin = v)
                .with(root::networkOptions);
    }

    @Override
    public Integer call() throws Exception {
        String registry = Registries.normalize(server);
        CliContext context = root.context();
        if (password != null && passwordStdin) {
            throw new IllegalArgumentException("--password and --password-stdin cannot be used together");
        }
        if (password != null) {
            context.err().println("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
        }
        Console console = System.console();
        if (username == null && console != null && !passwordStdin) {
            username = console.readLine("Username: ");
        }
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("a username is required: -u USER");
        }
        String secret = password;
        if (passwordStdin) {
            secret = new String(context.stdin().readAllBytes(), StandardCharsets.UTF_8).strip();
        } else if (secret == null && console != null) {
            char[] typed = console.readPassword("Password: ");
            secret = typed == null ? null : new String(typed);
        }
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a password is required: --password-stdin (or -p)");
        }
        Credentials credentials = Credentials.basic(username, secret);
        root.open().checkLogin(registry, credentials);
        DockerConfigKeychain.fromEnvironment(context.env(), context.home()).store(registry, credentials);
        context.out().println("Login Succeeded");
        return ExitCodes.OK;
    }
}
