package dev.jreg.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigKeychainTest {
    @TempDir
    Path dir;

    static String auth(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void dockerHubUsesTheLegacyKey() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\""
                + auth("hubuser", "pa:ss") + "\"}}}");
        Credentials c = new DockerConfigKeychain(dir.resolve("config.json")).lookup("docker.io").orElseThrow();
        assertEquals("hubuser", c.username());
        assertEquals("pa:ss", c.password(), "only the first colon separates user and password");
    }

    @Test
    void hostKeysMatchWithOrWithoutScheme() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"auths\":{"
                + "\"https://ghcr.io\":{\"auth\":\"" + auth("g", "1") + "\"},"
                + "\"localhost:5000\":{\"username\":\"l\",\"password\":\"2\"},"
                + "\"registry.example.com/v2/\":{\"identitytoken\":\"refresh\"}}}");
        DockerConfigKeychain keychain = new DockerConfigKeychain(dir.resolve("config.json"));
        assertEquals("g", keychain.lookup("ghcr.io").orElseThrow().username());
        assertEquals("2", keychain.lookup("localhost:5000").orElseThrow().password());
        assertEquals("refresh", keychain.lookup("registry.example.com").orElseThrow().identityToken());
        assertTrue(keychain.lookup("localhost:6000").isEmpty());
    }

    @Test
    void missingFileMeansAnonymous() {
        assertTrue(new DockerConfigKeychain(dir.resolve("absent.json")).lookup("docker.io").isEmpty());
    }

    @Test
    void dockerConfigVariableWins() {
        DockerConfigKeychain k = DockerConfigKeychain.fromEnvironment(Map.of("DOCKER_CONFIG", "/x/y"), Path.of("/home/u"));
        assertEquals(Path.of("/x/y/config.json"), k.file());
        assertEquals(Path.of("/home/u/.docker/config.json"),
                DockerConfigKeychain.fromEnvironment(Map.of(), Path.of("/home/u")).file());
    }

    @Test
    void brokenFileErrorDoesNotQuoteTheSecret() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"x\":{\"auth\":\"c2VjcmV0\" oops");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> new DockerConfigKeychain(dir.resolve("config.json")).lookup("x"));
        assertFalse(e.getMessage().contains("c2VjcmV0"));
    }

    @Test
    void credentialsNeverPrintTheirSecret() {
        String text = Credentials.basic("u", "topsecret").toString();
        assertFalse(text.contains("topsecret"));
        assertTrue(text.contains("redacted"));
    }
}
