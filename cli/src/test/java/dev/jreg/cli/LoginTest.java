package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** login and logout against real registries; credential helpers; secrets kept out of every output. */
@ExtendWith(RealRegistryCondition.class)
class LoginTest {
    static final String USER = "carol";
    static final String PASSWORD = "Tr1cky:pa$$word";
    static final Path HELPERS = Path.of("..", "testdata", "bin").toAbsolutePath().normalize();

    @TempDir
    static Path dir;
    static DistributionRegistry basic;
    static DistributionRegistry token;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        basic = DistributionRegistry.htpasswd(dir, Map.of(USER, PASSWORD));
        token = DistributionRegistry.token(dir, Map.of(USER, PASSWORD), repo -> false);
        Path fixtures = dir.resolve("fixtures");
        TestImages.writeImage(OciLayout.open(fixtures), Reference.parse("localhost/f:1"), Platform.of("linux", "amd64", null),
                List.of(TestImages.layer(81, 20_000)));
        for (DistributionRegistry registry : List.of(basic, token)) {
            Skopeo.copy("--dest-creds", USER + ":" + PASSWORD, "oci:" + fixtures + ":localhost/f:1",
                    "docker://" + registry.hostPort() + "/private/app:1");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        basic.close();
        token.close();
    }

    Path dockerConfig() throws Exception {
        return Files.createDirectories(home.resolve("docker"));
    }

    Cli cli() throws Exception {
        return new Cli(home, store).env("DOCKER_CONFIG", dockerConfig().toString())
                .env("PATH", HELPERS + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"))
                .env("JREG_TEST_HELPER_DIR", home.resolve("helper").toString());
    }

    static void assertNoSecret(Cli.Result result) {
        for (String text : List.of(result.out(), result.err())) {
            assertFalse(text.contains(PASSWORD), "password leaked: " + result);
            assertFalse(text.contains(Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                    .getBytes(StandardCharsets.UTF_8))), "credentials leaked: " + result);
        }
    }

    @Test
    void loginWritesDockersFormatKeepsOtherKeysAndLogoutRemovesTheEntry() throws Exception {
        for (DistributionRegistry registry : List.of(basic, token)) {
            Path config = dockerConfig().resolve("config.json");
            Files.writeString(config, "{\"psFormat\":\"table {{.ID}}\",\"auths\":{\"other.example\":{\"auth\":\"eDp5\"}}}");

            Cli.Result login = cli().stdin(PASSWORD + "\n").run("--debug", "login", "-u", USER, "--password-stdin",
                    registry.hostPort());
            assertEquals(0, login.exitCode(), login::toString);
            assertEquals("Login Succeeded\n", login.out());
            assertNoSecret(login);

            JsonNode written = Json.parse(Files.readAllBytes(config));
            assertEquals("table {{.ID}}", written.path("psFormat").asText(), "unrelated keys are kept");
            assertEquals("eDp5", written.path("auths").path("other.example").path("auth").asText());
            String auth = written.path("auths").path(registry.hostPort()).path("auth").asText();
            assertEquals(USER + ":" + PASSWORD, new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));

            Cli.Result pull = cli().run("--debug", "pull", "-q", registry.hostPort() + "/private/app:1");
            assertEquals(0, pull.exitCode(), "the stored credentials work: " + pull);
            assertNoSecret(pull);

            Cli.Result logout = cli().run("logout", registry.hostPort());
            assertEquals("Removing login credentials for " + registry.hostPort() + "\n", logout.out());
            JsonNode after = Json.parse(Files.readAllBytes(config));
            assertTrue(after.path("auths").path(registry.hostPort()).isMissingNode());
            assertEquals("eDp5", after.path("auths").path("other.example").path("auth").asText());
        }
    }

    @Test
    void wrongPasswordIsRefusedAndNothingIsStored() throws Exception {
        for (DistributionRegistry registry : List.of(basic, token)) {
            Cli.Result login = cli().stdin("not-the-password").run("--debug", "login", "-u", USER, "--password-stdin",
                    registry.hostPort());
            assertEquals(4, login.exitCode(), login::toString);
            assertTrue(login.err().contains("incorrect username or password"), login::toString);
            assertFalse(login.err().contains("not-the-password"));
            assertFalse(Files.exists(dockerConfig().resolve("config.json")));
        }
    }

    @Test
    void passwordOnTheCommandLineIsWarnedAbout() throws Exception {
        Cli.Result login = cli().run("login", "-u", USER, "-p", PASSWORD, basic.hostPort());
        assertEquals(0, login.exitCode(), login::toString);
        assertTrue(login.err().startsWith("WARNING! Using --password via the CLI is insecure."), login::toString);
        assertNoSecret(login);
    }

    @Test
    void credsStoreHelperKeepsTheSecretOutOfConfigJson() throws Exception {
        Path config = dockerConfig().resolve("config.json");
        Files.writeString(config, "{\"credsStore\":\"test\"}");
        Cli.Result login = cli().stdin(PASSWORD).run("login", "-u", USER, "--password-stdin", token.hostPort());
        assertEquals(0, login.exitCode(), login::toString);
        assertFalse(Files.readString(config).contains("auths"), "the helper holds the credentials");
        assertTrue(Files.readString(home.resolve("helper/calls")).contains("store"));

        Cli.Result pull = cli().run("pull", "-q", token.hostPort() + "/private/app:1");
        assertEquals(0, pull.exitCode(), pull::toString);
        assertTrue(Files.readString(home.resolve("helper/calls")).contains("get"));

        assertEquals(0, cli().run("logout", token.hostPort()).exitCode());
        Cli.Result denied = cli().run("pull", "-q", token.hostPort() + "/private/app:1");
        assertEquals(4, denied.exitCode(), "erased from the helper: " + denied);
    }

    @Test
    void credHelpersNameAHelperPerRegistry() throws Exception {
        Files.writeString(dockerConfig().resolve("config.json"), "{\"credHelpers\":{\"" + basic.hostPort() + "\":\"test\"}}");
        Path helperDir = Files.createDirectories(home.resolve("helper"));
        String key = basic.hostPort().replaceAll("[^A-Za-z0-9]", "_");
        Files.writeString(helperDir.resolve(key + ".json"), "{\"ServerURL\":\"" + basic.hostPort() + "\",\"Username\":\""
                + USER + "\",\"Secret\":\"" + PASSWORD + "\"}");
        Cli.Result pull = cli().run("pull", "-q", basic.hostPort() + "/private/app:1");
        assertEquals(0, pull.exitCode(), pull::toString);
    }

    @Test
    void missingHelperIsNamedClearly() throws Exception {
        Files.writeString(dockerConfig().resolve("config.json"), "{\"credsStore\":\"absent\"}");
        Cli.Result pull = cli().run("pull", "-q", basic.hostPort() + "/private/app:1");
        assertEquals(1, pull.exitCode(), pull::toString);
        assertEquals("jreg: credential helper docker-credential-absent is not installed (not found on PATH)\n", pull.err());
    }

    static String authEntry(String user, String password) {
        return "{\"auth\":\"" + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))
                + "\"}";
    }

    @Test
    void credentialsThatSkopeoOrPodmanStoredAreUsed() throws Exception {
        Path auth = home.resolve(".config/containers/auth.json");
        Skopeo.login(auth, basic.hostPort(), USER, PASSWORD);
        Cli.Result pull = cli().run("pull", "-q", basic.hostPort() + "/private/app:1");
        assertEquals(0, pull.exitCode(), "~/.config/containers/auth.json is read: " + pull);
        assertNoSecret(pull);

        Files.delete(auth);
        Path runtime = Files.createDirectories(home.resolve("run"));
        Skopeo.login(runtime.resolve("containers/auth.json"), token.hostPort(), USER, PASSWORD);
        Cli.Result fromRuntime = cli().env("XDG_RUNTIME_DIR", runtime.toString())
                .run("pull", "-q", token.hostPort() + "/private/app:1");
        assertEquals(0, fromRuntime.exitCode(), "$XDG_RUNTIME_DIR/containers/auth.json is read: " + fromRuntime);

        Path named = home.resolve("elsewhere/auth.json");
        Skopeo.login(named, token.hostPort(), USER, PASSWORD);
        Cli.Result fromVariable = cli().env("REGISTRY_AUTH_FILE", named.toString())
                .run("pull", "-q", token.hostPort() + "/private/app:1");
        assertEquals(0, fromVariable.exitCode(), "$REGISTRY_AUTH_FILE is read: " + fromVariable);
        Cli.Result anonymous = cli().env("REGISTRY_AUTH_FILE", home.resolve("absent.json").toString())
                .env("XDG_RUNTIME_DIR", runtime.toString()).run("pull", "-q", token.hostPort() + "/private/app:1");
        assertEquals(4, anonymous.exitCode(), "REGISTRY_AUTH_FILE replaces the runtime file, as in podman: " + anonymous);
    }

    @Test
    void aNamespaceKeyOfPodmanWinsOverItsRegistryKeyButDockersFileComesFirst() throws Exception {
        Path auth = home.resolve(".config/containers/auth.json");
        Skopeo.login(auth, basic.hostPort() + "/private", USER, PASSWORD);
        com.fasterxml.jackson.databind.node.ObjectNode written = (com.fasterxml.jackson.databind.node.ObjectNode)
                Json.parse(Files.readAllBytes(auth));
        assertTrue(written.path("auths").has(basic.hostPort() + "/private"), "skopeo wrote a namespace key: " + written);
        ((com.fasterxml.jackson.databind.node.ObjectNode) written.get("auths")).set(basic.hostPort(),
                Json.parse(authEntry(USER, "wrong")));
        Files.write(auth, Json.pretty(written));
        Cli.Result pull = cli().run("pull", "-q", basic.hostPort() + "/private/app:1");
        assertEquals(0, pull.exitCode(), "host/private is more specific than host: " + pull);

        Files.writeString(auth, "{\"auths\":{\"" + basic.hostPort() + "/private\":" + authEntry(USER, PASSWORD) + "}}");
        Files.writeString(dockerConfig().resolve("config.json"), "{\"auths\":{\"" + basic.hostPort() + "\":"
                + authEntry(USER, "wrong") + "}}");
        Cli.Result dockerFirst = cli().run("pull", "-q", basic.hostPort() + "/private/app:1");
        assertEquals(4, dockerFirst.exitCode(), "docker's config.json is asked first: " + dockerFirst);
        assertNoSecret(dockerFirst);
    }

    @Test
    void logoutLeavesPodmansFileAndSaysSo() throws Exception {
        Path auth = home.resolve(".config/containers/auth.json");
        Skopeo.login(auth, basic.hostPort(), USER, PASSWORD);
        String before = Files.readString(auth);
        Cli.Result logout = cli().run("logout", basic.hostPort());
        assertEquals(0, logout.exitCode(), logout::toString);
        assertEquals("Not logged in to " + basic.hostPort() + "\n", logout.out());
        assertEquals("Credentials for " + basic.hostPort() + " remain in " + auth + ", which jreg still reads; podman logout "
                + basic.hostPort() + " removes them\n", logout.err());
        assertEquals(before, Files.readString(auth), "jreg never writes podman's file");

        Cli.Result login = cli().stdin(PASSWORD).run("login", "-u", USER, "--password-stdin", basic.hostPort());
        assertEquals(0, login.exitCode(), login::toString);
        assertEquals(before, Files.readString(auth), "login writes docker's file only");
        assertTrue(Files.readString(dockerConfig().resolve("config.json")).contains(basic.hostPort()));
        Cli.Result both = cli().run("logout", basic.hostPort());
        assertEquals("Removing login credentials for " + basic.hostPort() + "\n", both.out());
        assertTrue(both.err().contains("remain in " + auth), both::toString);
    }
}
