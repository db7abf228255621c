package dev.jreg.cli;

import dev.jreg.auth.Credentials;
import dev.jreg.auth.DockerConfigKeychain;
import java.io.Console;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code jreg login}: check credentials and store them where docker would. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Log in to a registry (Docker Hub by default) and store the credentials as docker does:",
            "in the credHelpers/credsStore helper when configured, else in auths of $DOCKER_CONFIG/config.json",
            "(~/.docker/config.json), mode 0600, keeping everything else in the file."})
final class LoginCommand implements Callable<Integer> {
    @ParentCommand
    private JregCommand root;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVER", description = "Registry host[:port] (default: Docker Hub).")
    private String server;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "Username.")
    private String username;

    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD", description = "Password (insecure: prefer --password-stdin).")
    private String password;

    @Option(names = "--password-stdin", description = "Read the password from standard input.")
    private boolean passwordStdin;

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
