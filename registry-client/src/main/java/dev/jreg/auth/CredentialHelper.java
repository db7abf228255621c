package dev.jreg.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.internal.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A docker credential helper, {@code docker-credential-NAME get|store|erase}, speaking JSON on
 * stdin and stdout. Its output is never quoted in errors: it may hold secrets.
 */
final class CredentialHelper {
    /** docker's marker for an identity token in the Username field. */
    static final String TOKEN_USER = "<token>";
    private static final long TIMEOUT_SECONDS = 60;

    private final String name;
    private final Map<String, String> env;

    /**
     * @param name the helper's suffix, e.g. {@code desktop} for {@code docker-credential-desktop}
     * @param env the environment whose PATH finds the helper
     */
    CredentialHelper(String name, Map<String, String> env) {
        this.name = name;
        this.env = env;
    }

    String program() {
        return "docker-credential-" + name;
    }

    Optional<Credentials> get(String serverUrl) throws IOException {
        Result result = run("get", serverUrl.getBytes(StandardCharsets.UTF_8));
        if (result.exitCode != 0) {
            if (new String(result.stdout, StandardCharsets.UTF_8).toLowerCase().contains("credentials not found")) {
                return Optional.empty();
            }
            throw new IOException("credential helper " + program() + " failed to get credentials for " + serverUrl
                    + " (exit " + result.exitCode + ")");
        }
        try {
            JsonNode reply = Json.parse(result.stdout);
            String user = reply.path("Username").asText("");
            String secret = reply.path("Secret").asText("");
            return Optional.of(TOKEN_USER.equals(user) ? new Credentials(null, null, secret)
                    : Credentials.basic(user, secret));
        } catch (IOException e) {
            throw new IOException("credential helper " + program() + " answered with something that is not JSON");
        }
    }

    void store(String serverUrl, Credentials credentials) throws IOException {
        ObjectNode request = Json.object();
        request.put("ServerURL", serverUrl);
        request.put("Username", credentials.identityToken() != null ? TOKEN_USER : credentials.username());
        request.put("Secret", credentials.identityToken() != null ? credentials.identityToken() : credentials.password());
        Result result = run("store", Json.bytes(request));
        if (result.exitCode != 0) {
            throw new IOException("credential helper " + program() + " failed to store credentials for " + serverUrl
                    + " (exit " + result.exitCode + ")");
        }
    }

    boolean erase(String serverUrl) throws IOException {
        return run("erase", serverUrl.getBytes(StandardCharsets.UTF_8)).exitCode == 0;
    }

    private record Result(int exitCode, byte[] stdout) {
    }

    private Result run(String verb, byte[] input) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(find().toString(), verb).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(input);
        }
        byte[] stdout;
        try (InputStream out = process.getInputStream()) {
            stdout = out.readNBytes(1 << 20);
        }
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("credential helper " + program() + " did not answer within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + program());
        }
        return new Result(process.exitValue(), stdout);
    }

    /** Looks the helper up on the given PATH, not the JVM's: the environment decides, as for docker. */
    private Path find() throws IOException {
        return Arrays.stream(env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(":"))
                .map(dir -> Path.of(dir.isEmpty() ? "." : dir, program())).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IOException("credential helper " + program()
                        + " is not installed (not found on PATH)"));
    }
}
