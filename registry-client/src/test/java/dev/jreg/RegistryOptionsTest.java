package dev.jreg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.auth.Keychain;
import dev.jreg.error.InvalidContentException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The environment and home a caller gives, mapped to the options the jreg command starts from. */
class RegistryOptionsTest {
    static final Path HOME = Path.of("/home/u");
    static final Path DOCKER_CERTS = Path.of("/etc/docker/certs.d");

    @TempDir
    Path dir;

    @Test
    void certsDirsAreTheUsersUnderHomeThenDockers() {
        assertEquals(List.of(Path.of("/home/u/.config/jreg/certs.d"), DOCKER_CERTS),
                RegistryOptions.fromEnvironment(Map.of(), HOME).certificateRoots());
    }

    @Test
    void certsDirsAreTheUsersUnderXdgConfigHomeWhenSet() {
        assertEquals(List.of(Path.of("/xdg/jreg/certs.d"), DOCKER_CERTS),
                RegistryOptions.fromEnvironment(Map.of("XDG_CONFIG_HOME", "/xdg"), HOME).certificateRoots());
    }

    /** As the XDG base directory specification says, an empty variable counts as unset. */
    @Test
    void anEmptyXdgConfigHomeIsUnset() {
        assertEquals(List.of(Path.of("/home/u/.config/jreg/certs.d"), DOCKER_CERTS),
                RegistryOptions.fromEnvironment(Map.of("XDG_CONFIG_HOME", ""), HOME).certificateRoots());
        assertEquals(Path.of("/home/u/.config/jreg"), JregOptions.configDirectory(Map.of("XDG_CONFIG_HOME", ""), HOME));
    }

    @Test
    void theRestIsAsAnonymousDefaults() {
        RegistryOptions options = RegistryOptions.fromEnvironment(Map.of(), HOME);
        RegistryOptions anonymous = RegistryOptions.defaults();
        assertEquals(Set.of(), options.insecureRegistries());
        assertEquals("jreg", options.userAgent());
        assertEquals(Duration.ofSeconds(30), options.connectTimeout());
        assertEquals(Duration.ofSeconds(60), options.readTimeout());
        assertNull(options.debug());
        assertSame(RetryPolicy.DEFAULT, options.retry());
        assertEquals(ProxySettings.NONE, options.proxy());
        assertEquals(List.of(), anonymous.certificateRoots(), "defaults() stays anonymous, with the system's CAs alone");
        assertSame(Keychain.ANONYMOUS, anonymous.keychain());
    }

    static String entry(String user) {
        return "{\"auth\":\"" + Base64.getEncoder().encodeToString((user + ":pw").getBytes(StandardCharsets.UTF_8)) + "\"}";
    }

    static void write(Path file, String auths) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"auths\":{" + auths + "}}");
    }

    static String user(RegistryOptions options, String registry) {
        return options.keychain().lookup(registry, "team/app").map(c -> c.username()).orElse("(none)");
    }

    /** docker's config.json first, then podman's and skopeo's auth.json: the first file with credentials gives them. */
    @Test
    void credentialsComeFromDockersFileThenPodmans() throws Exception {
        Path home = dir.resolve("home");
        write(home.resolve(".docker/config.json"), "\"reg.example:5000\":" + entry("docker"));
        write(home.resolve(".config/containers/auth.json"), "\"reg.example:5000\":" + entry("podman") + ","
                + "\"other.example\":" + entry("podman-other"));
        RegistryOptions options = RegistryOptions.fromEnvironment(Map.of(), home);
        assertEquals("docker", user(options, "reg.example:5000"));
        assertEquals("podman-other", user(options, "other.example"));
        assertEquals("(none)", user(options, "third.example"));
    }

    /** The variables move the files: DOCKER_CONFIG, REGISTRY_AUTH_FILE before XDG_CONFIG_HOME's. */
    @Test
    void credentialFilesFollowTheirVariables() throws Exception {
        Path home = dir.resolve("home");
        write(home.resolve(".docker/config.json"), "\"reg.example:5000\":" + entry("docker-home"));
        write(dir.resolve("docker/config.json"), "\"reg.example:5000\":" + entry("docker-config"));
        write(dir.resolve("auth-file.json"), "\"other.example\":" + entry("auth-file") + ","
                + "\"other.example/team\":" + entry("auth-file-team"));
        write(dir.resolve("xdg/containers/auth.json"), "\"other.example\":" + entry("xdg") + ","
                + "\"third.example\":" + entry("xdg"));
        RegistryOptions options = RegistryOptions.fromEnvironment(Map.of("DOCKER_CONFIG", dir.resolve("docker").toString(),
                "REGISTRY_AUTH_FILE", dir.resolve("auth-file.json").toString(),
                "XDG_CONFIG_HOME", dir.resolve("xdg").toString()), home);
        assertEquals("docker-config", user(options, "reg.example:5000"));
        assertEquals("auth-file-team", user(options, "other.example"), "podman's namespace key, in the first podman file");
        assertEquals("xdg", user(options, "third.example"));
        assertEquals(List.of(dir.resolve("xdg/jreg/certs.d"), DOCKER_CERTS), options.certificateRoots());
    }

    /** A podman file that is not JSON: passed over with one warning when warnings are asked for, an error otherwise. */
    @Test
    void aBrokenPodmanFileIsAWarningOrAnError() throws Exception {
        Path home = dir.resolve("home");
        write(home.resolve(".docker/config.json"), "\"reg.example:5000\":" + entry("docker"));
        Path podman = home.resolve(".config/containers/auth.json");
        Files.writeString(Files.createDirectories(podman.getParent()).resolve("auth.json"), "{\"auths\": oops");
        List<String> warnings = new ArrayList<>();
        RegistryOptions warned = RegistryOptions.fromEnvironment(Map.of(), home, warnings::add);
        assertEquals("docker", user(warned, "reg.example:5000"));
        assertEquals("(none)", user(warned, "other.example"));
        assertEquals("(none)", user(warned, "third.example"));
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).startsWith("warning: ") && warnings.get(0).contains(podman.toString())
                && warnings.get(0).endsWith("; going on without it"), warnings::toString);

        RegistryOptions strict = RegistryOptions.fromEnvironment(Map.of(), home);
        assertEquals("docker", user(strict, "reg.example:5000"), "docker's file answers before podman's is read");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> user(strict, "other.example"));
        assertInstanceOf(InvalidContentException.class, e.getCause());
        assertTrue(e.getMessage().contains(podman.toString()), e::getMessage);
    }

    @Test
    void proxiesComeFromTheirVariables() {
        assertEquals(new ProxySettings("http://proxy.internal:3128", "http://plain.internal:8080", ".internal,10.0.0.0/8"),
                RegistryOptions.fromEnvironment(Map.of("HTTPS_PROXY", "http://proxy.internal:3128",
                        "HTTP_PROXY", "http://plain.internal:8080", "NO_PROXY", ".internal,10.0.0.0/8"), HOME).proxy());
    }

    @Test
    void proxyVariablesInUpperCaseComeBeforeLowerCase() {
        assertEquals(new ProxySettings("http://upper:3128", "http://lower:8080", "lower.example"),
                RegistryOptions.fromEnvironment(Map.of("HTTPS_PROXY", "http://upper:3128", "https_proxy", "http://lower:3128",
                        "http_proxy", "http://lower:8080", "no_proxy", "lower.example"), HOME).proxy());
    }

    @Test
    void anUnusableProxyVariableIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegistryOptions.fromEnvironment(Map.of("https_proxy", "socks5://user:secret@proxy:1080"), HOME));
        assertTrue(e.getMessage().contains("https_proxy"), e::getMessage);
        assertTrue(!e.getMessage().contains("secret"), e::getMessage);
    }

    /** The with… methods the jreg command applies its flags with change their component and keep the others. */
    @Test
    void withMethodsChangeOneThing() {
        Consumer<String> sink = line -> { };
        RegistryOptions base = RegistryOptions.fromEnvironment(Map.of("HTTPS_PROXY", "http://proxy:3128"), HOME);
        RegistryOptions changed = base.withUserAgent("jreg/1.2").withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(9))
                .withDebug(sink).withInsecure(Set.of("Insecure.Example:5000")).withRetry(RetryPolicy.NONE);
        assertEquals(new RegistryOptions(base.keychain(), Set.of("insecure.example:5000"), "jreg/1.2", Duration.ofSeconds(5),
                Duration.ofSeconds(9), sink, base.certificateRoots(), base.proxy(), RetryPolicy.NONE), changed);
        assertNull(changed.withDebug(null).debug());
    }

    /** JregOptions.defaults reads the user's environment, as the jreg command does. */
    @Test
    void jregOptionsDefaultsReadTheUsersEnvironment() {
        RegistryOptions users = RegistryOptions.fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
        JregOptions defaults = JregOptions.defaults(dir.resolve("store"));
        assertEquals(dir.resolve("store"), defaults.store());
        assertEquals(users.certificateRoots(), defaults.registry().certificateRoots());
        assertEquals(users.proxy(), defaults.registry().proxy());
        assertEquals(CopyOptions.DEFAULT_CONCURRENCY, defaults.concurrency());
    }

    /** The library finds the user's files where the command does: under $HOME, not the password database's home. */
    @Test
    void theUsersHomeIsHomeWhenAbsoluteElseUserHome() {
        assertEquals(Path.of("/tmp/elsewhere"), JregOptions.userHome(Map.of("HOME", "/tmp/elsewhere")));
        Path passwd = Path.of(System.getProperty("user.home"));
        assertEquals(passwd, JregOptions.userHome(Map.of()));
        assertEquals(passwd, JregOptions.userHome(Map.of("HOME", "relative")));
        assertEquals(passwd, JregOptions.userHome(Map.of("HOME", "")));
    }
}
