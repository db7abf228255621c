package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.RegistryOptions;
import dev.jreg.auth.Credentials;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.internal.registry.RegistryClient;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Pulls and pushes against real registries that check credentials: token auth (the Docker Hub dance) and htpasswd. */
@ExtendWith(RealRegistryCondition.class)
class AuthenticatedRegistryTest {
    static final String USER = "alice";
    static final String PASSWORD = "s3cret-Pa55";

    @TempDir
    static Path dir;
    static Path fixtures;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void buildFixture() throws Exception {
        fixtures = dir.resolve("fixtures");
        TestImages.writeImage(OciLayout.open(fixtures), Reference.parse("localhost/fixture:1"),
                Platform.of("linux", "amd64", null), List.of(TestImages.layer(11, 80_000), TestImages.layer(12, 40_000)));
    }

    static void push(DistributionRegistry registry, String repository) throws Exception {
        Skopeo.copy("--dest-creds", USER + ":" + PASSWORD, "oci:" + fixtures + ":localhost/fixture:1",
                "docker://" + registry.hostPort() + "/" + repository);
    }

    Cli cliWithDockerConfig(String registry, String user, String password) throws Exception {
        Path dockerConfig = Files.createDirectories(home.resolve("docker-config"));
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Files.writeString(dockerConfig.resolve("config.json"),
                "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + auth + "\"}},\"psFormat\":\"table\"}");
        return new Cli(home, store).env("DOCKER_CONFIG", dockerConfig.toString());
    }

    static RegistryClient remote(Optional<Credentials> credentials) {
        return new RegistryClient(new RegistryOptions(r -> credentials, null, null, null, null, null));
    }

    static void assertNoSecret(Cli.Result result) {
        assertFalse(result.out().contains(PASSWORD) || result.err().contains(PASSWORD), "password leaked: " + result);
        String basic = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertFalse(result.err().contains(basic), "credentials leaked");
    }

    @Nested
    class TokenAuth {
        static DistributionRegistry registry;

        @BeforeAll
        static void start() throws Exception {
            registry = DistributionRegistry.token(dir, Map.of(USER, PASSWORD), repo -> !repo.startsWith("private/"));
            push(registry, "public/app:1");
            push(registry, "private/app:1");
        }

        @AfterAll
        static void stop() throws Exception {
            registry.close();
        }

        @Test
        void anonymousPullDoesTheBearerDance() {
            int grantsBefore = registry.issuer().grants().size();
            Cli.Result result = new Cli(home, store).run("pull", registry.hostPort() + "/public/app:1");

            assertEquals(0, result.exitCode(), result::toString);
            List<String> grants = registry.issuer().grants().subList(grantsBefore, registry.issuer().grants().size());
            assertEquals(1, grants.size(), "one token serves the manifest and every blob: " + grants);
            assertTrue(grants.get(0).startsWith("anonymous repository:public/app:pull"), grants.toString());
        }

        @Test
        void privateRepositoryNeedsCredentials() {
            Cli.Result result = new Cli(home, store).run("pull", registry.hostPort() + "/private/app:1");
            assertEquals(4, result.exitCode(), result::toString);
            List<String> errors = result.err().lines().filter(l -> l.startsWith("jreg: ")).toList();
            assertEquals(List.of("jreg: " + registry.hostPort() + "/private/app:1: authentication required"), errors);
        }

        @Test
        void credentialsComeFromDockerConfig() throws Exception {
            Cli.Result result = cliWithDockerConfig(registry.hostPort(), USER, PASSWORD)
                    .run("--debug", "pull", registry.hostPort() + "/private/app:1");

            assertEquals(0, result.exitCode(), result::toString);
            assertTrue(registry.issuer().grants().stream().anyMatch(g -> g.startsWith(USER + " repository:private/app:pull")));
            assertTrue(result.err().contains("(authorized)"), "debug shows that requests were authorized");
            assertNoSecret(result);
        }

        @Test
        void pushWithCredentialsFromDockerConfig() throws Exception {
            Reference target = Reference.parse(registry.hostPort() + "/private/pushed:1");
            TestImages.writeImage(OciLayout.open(store), target, Platform.of("linux", "amd64", null),
                    List.of(TestImages.layer(13, 30_000)));
            Cli.Result result = cliWithDockerConfig(registry.hostPort(), USER, PASSWORD).run("push", target.toString());

            assertEquals(0, result.exitCode(), result::toString);
            assertTrue(registry.issuer().grants().stream()
                    .anyMatch(g -> g.startsWith(USER + " repository:private/pushed:pull,push")));
            assertTrue(remote(Optional.of(Credentials.basic(USER, PASSWORD))).headManifest(target).isPresent());
            assertNoSecret(result);
        }

        @Test
        void pushWithoutCredentialsIsUnauthorizedAndLeavesNoTag() throws Exception {
            Reference target = Reference.parse(registry.hostPort() + "/public/anonymous-push:1");
            TestImages.writeImage(OciLayout.open(store), target, Platform.of("linux", "amd64", null),
                    List.of(TestImages.layer(14, 30_000)));
            Cli.Result result = new Cli(home, store).run("push", target.toString());

            assertEquals(4, result.exitCode(), result::toString);
            assertTrue(remote(Optional.of(Credentials.basic(USER, PASSWORD))).headManifest(target).isEmpty(),
                    "no tag left behind");
        }

        @Test
        void wrongPasswordIsUnauthorizedWithAClearMessage() throws Exception {
            Cli.Result result = cliWithDockerConfig(registry.hostPort(), USER, "wrong-password")
                    .run("--debug", "pull", registry.hostPort() + "/private/app:1");

            assertEquals(4, result.exitCode(), result::toString);
            assertTrue(result.err().contains("jreg: " + registry.hostPort() + ": incorrect username or password"),
                    result::toString);
            assertFalse(result.err().contains("wrong-password"), "password leaked: " + result);
        }
    }

    @Nested
    class BasicAuth {
        static DistributionRegistry registry;

        @BeforeAll
        static void start() throws Exception {
            registry = DistributionRegistry.htpasswd(dir, Map.of(USER, PASSWORD));
            push(registry, "team/app:1");
        }

        @AfterAll
        static void stop() throws Exception {
            registry.close();
        }

        @Test
        void pullWithCredentials() throws Exception {
            Cli.Result result = cliWithDockerConfig(registry.hostPort(), USER, PASSWORD)
                    .run("--debug", "pull", registry.hostPort() + "/team/app:1");
            assertEquals(0, result.exitCode(), result::toString);
            assertNoSecret(result);
        }

        @Test
        void pullWithoutCredentialsIsUnauthorized() {
            Cli.Result result = new Cli(home, store).run("pull", registry.hostPort() + "/team/app:1");
            assertEquals(4, result.exitCode(), result::toString);
            assertTrue(result.err().contains("authentication required"), result::toString);
        }

        @Test
        void wrongPasswordIsUnauthorized() throws Exception {
            Cli.Result result = cliWithDockerConfig(registry.hostPort(), USER, "nope-nope")
                    .run("pull", registry.hostPort() + "/team/app:1");
            assertEquals(4, result.exitCode(), result::toString);
            assertFalse(result.err().contains("nope-nope"));
        }
    }
}
