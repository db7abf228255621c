package dev.jreg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.error.UnreachableException;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.Processes;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library reaches an HTTPS registry whose private CA is in the user's certs.d, as the jreg
 * command does, through the options built from an environment and a home; and says which folders
 * it searched when the CA is not there.
 */
@ExtendWith(RealRegistryCondition.class)
class UserEnvironmentTlsTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static DistributionRegistry tls;
    static DistributionRegistry mutual;
    static Digest pushed;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        tls = DistributionRegistry.tls(dir, pki, false);
        mutual = DistributionRegistry.tls(dir, pki, true);
        pushed = Skopeo.pushOverTls(dir, pki, List.of(tls, mutual));
    }

    @AfterAll
    static void stop() throws Exception {
        for (DistributionRegistry registry : new DistributionRegistry[] {tls, mutual}) {
            if (registry != null) {
                registry.close();
            }
        }
    }

    static Reference image(DistributionRegistry registry) {
        return Reference.parse(registry.hostPort() + "/secure/app:1");
    }

    /** What JregOptions.defaults builds, for an environment and home of the test's. */
    Jreg open(Map<String, String> env) throws Exception {
        return Jreg.open(new JregOptions(store, RegistryOptions.fromEnvironment(env, home), CopyOptions.DEFAULT_CONCURRENCY));
    }

    @Test
    void aPrivateCaInTheHomesCertsDIsTrusted() throws Exception {
        pki.writeCertsDir(home.resolve(".config/jreg/certs.d").resolve(tls.hostPort()), false);
        Jreg jreg = open(Map.of());
        assertEquals(pushed, jreg.pull(image(tls), CopyOptions.defaults()).sourceDigest());
        assertEquals(List.of("1"), jreg.tags(new ImageLocation.Registry(image(tls))));
    }

    /** Mutual TLS, the CA and the client certificate in certs.d under $XDG_CONFIG_HOME. */
    @Test
    void aClientCertificateInXdgConfigHomesCertsDIsPresented() throws Exception {
        Path xdg = home.resolve("xdg");
        pki.writeCertsDir(xdg.resolve("jreg/certs.d").resolve(mutual.hostPort()), true);
        Jreg jreg = open(Map.of("XDG_CONFIG_HOME", xdg.toString()));
        assertEquals(pushed, jreg.pull(image(mutual), CopyOptions.defaults()).sourceDigest());
    }

    static String untrusted(DistributionRegistry registry, Path userFolder) {
        return "cannot reach registry " + registry.hostPort() + ": its TLS certificate is not trusted (unable to find valid"
                + " certification path to requested target); put its CA in " + userFolder.resolve(registry.hostPort())
                + "/ca.crt or /etc/docker/certs.d/" + registry.hostPort() + "/ca.crt, or mark the registry insecure"
                + " (--insecure-registry " + registry.hostPort() + ")";
    }

    /** Pulls without a CA the options trust; the message names the user's certs.d the environment gives. */
    void assertUntrusted(Map<String, String> env, Path userFolder) throws Exception {
        Jreg jreg = open(env);
        UnreachableException e = assertThrows(UnreachableException.class,
                () -> jreg.pull(image(tls), CopyOptions.defaults()));
        assertEquals(untrusted(tls, userFolder), e.getMessage());
    }

    @Test
    void withoutTheCaTheMessageNamesTheHomesCertsD() throws Exception {
        assertUntrusted(Map.of(), home.resolve(".config/jreg/certs.d"));
    }

    /** With XDG_CONFIG_HOME set, a CA under ~/.config is not searched, and the message names the folder that is. */
    @Test
    void withXdgConfigHomeTheMessageNamesItsCertsD() throws Exception {
        pki.writeCertsDir(home.resolve(".config/jreg/certs.d").resolve(tls.hostPort()), false);
        Path xdg = home.resolve("xdg");
        assertUntrusted(Map.of("XDG_CONFIG_HOME", xdg.toString()), xdg.resolve("jreg/certs.d"));
    }

    /**
     * {@code JregOptions.defaults(store)} itself, in a JVM of its own whose environment holds only
     * {@code PATH} and whose {@code user.home} is the test's: the example's pull, with the CA in
     * that home's certs.d.
     */
    @Test
    void jregOptionsDefaultsTrustsTheUsersCertsD() throws Exception {
        pki.writeCertsDir(home.resolve(".config/jreg/certs.d").resolve(tls.hostPort()), false);
        Processes.Result result = pullWithDefaults();
        assertEquals(0, result.exitCode(), result::stderr);
        assertEquals(pushed + "\n", new String(result.stdout(), StandardCharsets.UTF_8), result::stderr);
    }

    @Test
    void jregOptionsDefaultsNamesTheUsersCertsD() throws Exception {
        Processes.Result result = pullWithDefaults();
        assertEquals(1, result.exitCode(), result::stderr);
        assertTrue(result.stderr().contains(UnreachableException.class.getName() + ": "
                + untrusted(tls, home.resolve(".config/jreg/certs.d"))), result::stderr);
    }

    private Processes.Result pullWithDefaults() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"), UserEnvironmentTlsTest.class.getName(),
                store.toString(), image(tls).toString());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        return Processes.run(builder, null, Duration.ofMinutes(2));
    }

    /** The example's pull through {@code JregOptions.defaults}: {@code STORE IMAGE}; prints the digest pulled. */
    public static void main(String[] args) throws Exception {
        Jreg jreg = Jreg.open(JregOptions.defaults(Path.of(args[0])));
        System.out.println(jreg.pull(Reference.parse(args[1]), CopyOptions.defaults()).sourceDigest());
    }
}
