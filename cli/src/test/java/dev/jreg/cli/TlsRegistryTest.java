package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestPki;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS registries with a private CA, and with mutual TLS, configured the docker way (certs.d). */
@ExtendWith(RealRegistryCondition.class)
class TlsRegistryTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static DistributionRegistry tls;
    static DistributionRegistry mutual;
    static DistributionRegistry token;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        tls = DistributionRegistry.tls(dir, pki, false);
        mutual = DistributionRegistry.tls(dir, pki, true);
        token = DistributionRegistry.token(dir, java.util.Map.of("dana", "s3cret-pw"), repo -> true, pki);
        Skopeo.pushOverTls(dir, pki, List.of(tls, mutual));
    }

    @AfterAll
    static void stop() throws Exception {
        for (DistributionRegistry registry : new DistributionRegistry[] {tls, mutual, token}) {
            if (registry != null) {
                registry.close();
            }
        }
    }

    Path certsFor(DistributionRegistry registry, boolean clientCertificate) throws Exception {
        return pki.writeCertsDir(home.resolve(".config/jreg/certs.d").resolve(registry.hostPort()), clientCertificate);
    }

    Cli.Result pull(DistributionRegistry registry, String... flags) {
        String[] args = new String[flags.length + 3];
        System.arraycopy(flags, 0, args, 0, flags.length);
        args[flags.length] = "pull";
        args[flags.length + 1] = "-q";
        args[flags.length + 2] = registry.hostPort() + "/secure/app:1";
        return new Cli(home, store).run(args);
    }

    @Test
    void privateCaInCertsDirIsTrusted() throws Exception {
        certsFor(tls, false);
        Cli.Result result = pull(tls);
        assertEquals(0, result.exitCode(), result::toString);
    }

    /** A certs.d folder says the registry speaks TLS: no plain-HTTP probe first, even on loopback. */
    @Test
    void aCertsDFolderMeansHttpsFirst() throws Exception {
        certsFor(tls, false);
        Cli.Result result = pull(tls, "--debug");
        assertEquals(0, result.exitCode(), result::toString);
        assertFalse(result.err().contains("GET http://"), result::toString);
        assertTrue(result.err().contains("GET https://" + tls.hostPort() + "/v2/"), result::toString);
    }

    @Test
    void withoutTheCaTheFailureSaysWhatToDo() {
        Cli.Result result = pull(tls);
        assertEquals(5, result.exitCode(), result::toString);
        assertTrue(result.err().startsWith("jreg: cannot reach registry " + tls.hostPort() + ": its TLS certificate is not trusted"),
                result::toString);
        assertTrue(result.err().contains("; put its CA in " + home.resolve(".config/jreg/certs.d/" + tls.hostPort() + "/ca.crt")
                + " or /etc/docker/certs.d/" + tls.hostPort() + "/ca.crt, or mark the registry insecure (--insecure-registry "
                + tls.hostPort() + ")\n"), result::toString);
        assertEquals(1, result.err().lines().count(), result::toString);
    }

    /** With XDG_CONFIG_HOME set, its certs.d is the one searched, and the one the message names. */
    @Test
    void withXdgConfigHomeTheFailureNamesItsCertsD() throws Exception {
        certsFor(tls, false);
        Path xdg = home.resolve("xdg");
        Cli.Result result = new Cli(home, store).env("XDG_CONFIG_HOME", xdg.toString())
                .run("pull", "-q", tls.hostPort() + "/secure/app:1");
        assertEquals(5, result.exitCode(), result::toString);
        assertTrue(result.err().contains("; put its CA in " + xdg.resolve("jreg/certs.d/" + tls.hostPort() + "/ca.crt")
                + " or /etc/docker/certs.d/" + tls.hostPort() + "/ca.crt, or mark"), result::toString);
        assertFalse(result.err().contains(".config"), result::toString);
    }

    @Test
    void privateCaInXdgConfigHomesCertsDIsTrusted() throws Exception {
        Path xdg = home.resolve("xdg");
        pki.writeCertsDir(xdg.resolve("jreg/certs.d").resolve(tls.hostPort()), false);
        Cli.Result result = new Cli(home, store).env("XDG_CONFIG_HOME", xdg.toString())
                .run("pull", "-q", tls.hostPort() + "/secure/app:1");
        assertEquals(0, result.exitCode(), result::toString);
    }

    @Test
    void insecureRegistrySkipsVerification() {
        Cli.Result result = pull(tls, "--insecure-registry", tls.hostPort());
        assertEquals(0, result.exitCode(), result::toString);
    }

    @Test
    void mutualTlsWithClientCertificate() throws Exception {
        certsFor(mutual, true);
        Cli.Result result = pull(mutual);
        assertEquals(0, result.exitCode(), result::toString);
    }

    @Test
    void mutualTlsWithoutClientCertificateFailsClearly() throws Exception {
        certsFor(mutual, false);
        Cli.Result result = pull(mutual);
        assertEquals(5, result.exitCode(), result::toString);
        assertTrue(result.err().contains("client certificate"), result::toString);
    }

    /** docker reaches the token server with the registry's TLS settings: one ca.crt covers both. */
    @Test
    void theRegistrysCaCoversItsTokenServer() throws Exception {
        certsFor(token, false);
        Cli.Result result = new Cli(home, store).stdin("s3cret-pw\n")
                .run("login", "-u", "dana", "--password-stdin", token.hostPort());
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals("Login Succeeded", result.lastLine(), result::toString);
    }

    @Test
    void anUntrustedTokenServerIsNamed() {
        // The registry itself is exempt; its token server is checked against the system's CAs alone.
        Cli.Result result = new Cli(home, store).stdin("s3cret-pw\n")
                .run("--insecure-registry", token.hostPort(), "login", "-u", "dana", "--password-stdin", token.hostPort());
        assertEquals(5, result.exitCode(), result::toString);
        assertEquals(1, result.err().lines().count(), result::toString);
        assertTrue(result.err().startsWith("jreg: cannot reach token server " + token.issuer().hostPort() + " of "
                + token.hostPort() + ": its TLS certificate is not trusted"), result::toString);
        assertTrue(result.err().contains("certs.d/" + token.hostPort() + "/ca.crt"), result::toString);
        assertTrue(result.err().contains(", or mark it insecure (--insecure-registry " + token.issuer().hostPort() + ")\n"),
                result::toString);
        assertFalse(result.err().contains("s3cret-pw"), result::toString);
    }
}
