package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages;
import dev.jreg.testing.TestProxy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls through an HTTP proxy. The registry is named {@code proxied.test} (testdata/hosts maps it
 * to 127.0.0.1 for the test JVM), since loopback names are never proxied.
 */
@ExtendWith(RealRegistryCondition.class)
class ProxyTest {
    @TempDir
    static Path dir;
    static DistributionRegistry registry;
    static TestProxy proxy;
    static String name;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        registry = DistributionRegistry.open(dir);
        proxy = new TestProxy();
        name = "proxied.test:" + registry.hostPort().substring(registry.hostPort().indexOf(':') + 1);
        Path fixtures = dir.resolve("fixtures");
        TestImages.writeImage(OciLayout.open(fixtures), Reference.parse("localhost/f:1"), Platform.of("linux", "amd64", null),
                List.of(TestImages.layer(71, 30_000)));
        Skopeo.copy("oci:" + fixtures + ":localhost/f:1", "docker://" + registry.hostPort() + "/via/proxy:1");
    }

    @AfterAll
    static void stop() throws Exception {
        registry.close();
        proxy.close();
    }

    Cli cli() {
        return new Cli(home, store).env("HTTP_PROXY", proxy.url()).env("HTTPS_PROXY", proxy.url());
    }

    @Test
    void pullGoesThroughTheProxy() {
        int before = proxy.requests().size();
        Cli.Result result = cli().run("--insecure-registry", name, "pull", "-q", name + "/via/proxy:1");
        assertEquals(0, result.exitCode(), result::toString);
        List<String> seen = proxy.requests().subList(before, proxy.requests().size());
        assertTrue(seen.stream().anyMatch(r -> r.startsWith("GET http://" + name + "/v2/")), seen.toString());
    }

    @Test
    void noProxyBypassesIt() {
        int before = proxy.requests().size();
        Cli.Result result = cli().env("NO_PROXY", "example.com,.test").run("--insecure-registry", name, "pull", "-q",
                name + "/via/proxy:1");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(before, proxy.requests().size(), "nothing went through the proxy");
    }

    @Test
    void loopbackIsNeverProxied() {
        int before = proxy.requests().size();
        Cli.Result result = cli().run("pull", "-q", registry.hostPort() + "/via/proxy:1");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(before, proxy.requests().size());
    }

    @Test
    void anAuthenticatingProxyGetsTheCredentialsOfItsUrlAndNobodySeesThem() throws Exception {
        String authorization = "Basic " + java.util.Base64.getEncoder().encodeToString(
                "user:p@ss:secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (TestProxy authenticating = new TestProxy(authorization)) {
            String url = authenticating.url().replace("http://", "http://user:p%40ss%3Asecret@");
            Cli.Result result = new Cli(home, store).env("HTTP_PROXY", url).env("HTTPS_PROXY", url)
                    .run("--debug", "--insecure-registry", name, "pull", "-q", name + "/via/proxy:1");
            assertEquals(0, result.exitCode(), result::toString);
            assertTrue(authenticating.requests().stream().anyMatch(r -> r.startsWith("GET http://" + name + "/v2/")),
                    authenticating.requests().toString());
            assertEquals(List.of(), authenticating.refused());
            assertTrue(!result.toString().contains("secret") && !result.toString().contains(authorization), result::toString);

            String wrong = authenticating.url().replace("http://", "http://user:wrong-secret@");
            Cli.Result refused = new Cli(home, store).env("HTTP_PROXY", wrong).env("HTTPS_PROXY", wrong)
                    .run("--insecure-registry", name, "pull", "-q", name + "/via/proxy:1");
            assertEquals(5, refused.exitCode(), refused::toString);
            assertEquals(1, refused.err().lines().count(), refused::toString);
            assertTrue(refused.err().contains("proxy") && !refused.toString().contains("secret"), refused::toString);
        }
    }
}
