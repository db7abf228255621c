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
import java.util.List;
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

    @Test
    void podmansFilesComeAfterDockersInPodmansOwnOrder() {
        Path home = Path.of("/home/u");
        assertEquals(List.of(Path.of("/home/u/.docker/config.json"), Path.of("/home/u/.config/containers/auth.json")),
                files(DockerConfigKeychain.lookupOrder(Map.of(), home)));
        assertEquals(List.of(Path.of("/run/user/1000/containers/auth.json"), Path.of("/cfg/containers/auth.json")),
                files(DockerConfigKeychain.containersAuth(Map.of("XDG_RUNTIME_DIR", "/run/user/1000",
                        "XDG_CONFIG_HOME", "/cfg"), home)));
        assertEquals(List.of(Path.of("/etc/auth.json"), Path.of("/home/u/.config/containers/auth.json")),
                files(DockerConfigKeychain.containersAuth(Map.of("REGISTRY_AUTH_FILE", "/etc/auth.json",
                        "XDG_RUNTIME_DIR", "/run/user/1000"), home)),
                "REGISTRY_AUTH_FILE takes the runtime file's place, as in podman");
    }

    static List<Path> files(List<DockerConfigKeychain> keychains) {
        return keychains.stream().map(DockerConfigKeychain::file).toList();
    }

    Path podmanFile(String auths) throws Exception {
        Path home = dir.resolve("home");
        Path file = Files.createDirectories(home.resolve(".config/containers")).resolve("auth.json");
        Files.writeString(file, "{\"auths\":{" + auths + "}}");
        return home;
    }

    static String entry(String user) {
        return "{\"auth\":\"" + auth(user, "pw") + "\"}";
    }

    @Test
    void podmansRepositoryKeysGoMostSpecificFirstAndOnlyForTheirPath() throws Exception {
        Path home = podmanFile("\"quay.io/ns/app\":" + entry("app") + ",\"quay.io/ns\":" + entry("ns") + ","
                + "\"quay.io\":" + entry("registry") + ",\"ghcr.io/team\":" + entry("team") + ","
                + "\"docker.io/library/nginx\":" + entry("nginx") + ",\"https://index.docker.io/v1/\":" + entry("hub"));
        Keychain keychain = DockerConfigKeychain.containersAuth(Map.of(), home).get(0);
        assertEquals("app", keychain.lookup("quay.io", "ns/app").orElseThrow().username());
        assertEquals("app", keychain.lookup("quay.io", "ns/app/sub").orElseThrow().username());
        assertEquals("ns", keychain.lookup("quay.io", "ns/other").orElseThrow().username());
        assertEquals("registry", keychain.lookup("quay.io", "nsx/app").orElseThrow().username(), "whole components only");
        assertEquals("registry", keychain.lookup("quay.io").orElseThrow().username());
        assertEquals("team", keychain.lookup("ghcr.io", "team/app").orElseThrow().username());
        assertTrue(keychain.lookup("ghcr.io", "other/app").isEmpty(), "a namespace key is not the registry's");
        assertTrue(keychain.lookup("ghcr.io").isEmpty());
        assertEquals("nginx", keychain.lookup("docker.io", "library/nginx").orElseThrow().username());
        assertEquals("hub", keychain.lookup("docker.io", "library/alpine").orElseThrow().username(),
                "docker's key for Docker Hub is read in podman's file too");
    }

    @Test
    void dockersFileReadsAPathKeyAsItsRegistryAsDockerDoes() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"ghcr.io/team\":" + entry("team") + "}}");
        DockerConfigKeychain docker = new DockerConfigKeychain(dir.resolve("config.json"));
        assertEquals("team", docker.lookup("ghcr.io", "other/app").orElseThrow().username());
    }

    @Test
    void theFirstFileWithCredentialsGivesThem() throws Exception {
        Path home = podmanFile("\"quay.io\":" + entry("podman") + ",\"ghcr.io\":" + entry("podman"));
        Files.createDirectories(home.resolve(".docker"));
        Files.writeString(home.resolve(".docker/config.json"), "{\"auths\":{\"quay.io\":" + entry("docker") + "}}");
        Keychain keychain = Keychain.firstOf(DockerConfigKeychain.lookupOrder(Map.of(), home));
        assertEquals("docker", keychain.lookup("quay.io", "a/b").orElseThrow().username());
        assertEquals("podman", keychain.lookup("ghcr.io", "a/b").orElseThrow().username());
        assertTrue(keychain.lookup("docker.io", "library/nginx").isEmpty());
    }

    @Test
    void holdsSaysWhetherAFileNamesARegistry() throws Exception {
        Path home = podmanFile("\"quay.io/ns\":" + entry("ns") + ",\"ghcr.io\":{}");
        DockerConfigKeychain podman = DockerConfigKeychain.containersAuth(Map.of(), home).get(0);
        assertTrue(podman.holds("quay.io"), "a namespace of it counts");
        assertFalse(podman.holds("ghcr.io"), "an empty entry holds nothing");
        assertFalse(podman.holds("docker.io"));
    }
}
