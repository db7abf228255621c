package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.TestDns;
import dev.jreg.testing.TestDoh;
import dev.jreg.testing.TestImages;
import dev.jreg.testing.TestPki;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registries reached through DNS servers of their own ({@code --dns}, {@code JREG_DNS}, the
 * config file's {@code "dns"}): a server run here maps names no system resolver knows to
 * 127.0.0.1, where real registries listen.
 */
@ExtendWith(RealRegistryCondition.class)
class RegistryDnsTest {
    static final String NAME = TestPki.REGISTRY_NAME;
    /** Mapped to 127.0.0.1 too, and not in the server certificate. */
    static final String OTHER_NAME = "other.test";

    @TempDir
    static Path dir;
    static TestPki pki;
    static DistributionRegistry plain;
    static DistributionRegistry tls;
    static TestDns dns;
    static TestDoh doh;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        plain = DistributionRegistry.open(dir.resolve("plain"));
        tls = DistributionRegistry.tls(dir.resolve("tls"), pki, false);
        dns = TestDns.answering(Map.of(NAME, "127.0.0.1", OTHER_NAME, "127.0.0.1"));
        doh = TestDoh.answering(pki, Map.of(NAME, "127.0.0.1"));
        Path seed = dir.resolve("seed");
        pki.writeCertsDir(seed.resolve(".config/jreg/certs.d").resolve(tls.hostPort()), false);
        for (DistributionRegistry registry : List.of(plain, tls)) {
            String name = registry.hostPort() + "/demo/app:1";
            TestImages.writeImage(OciLayout.open(seed.resolve("store")), Reference.parse(name),
                    Platform.of("linux", "amd64", null), List.of(TestImages.layer(71, 20_000)));
            new Cli(seed, seed.resolve("store")).ok("push", name);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {dns, doh, plain::close, tls::close}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    static String port(DistributionRegistry registry) {
        return registry.hostPort().substring(registry.hostPort().lastIndexOf(':') + 1);
    }

    Cli jreg() {
        return new Cli(home, store);
    }

    @Test
    void pullsByANameOnlyTheNamedServerKnows() {
        assertThrows(UnknownHostException.class, () -> InetAddress.getByName(NAME), "the system resolver knows " + NAME);
        String name = NAME + ":" + port(plain) + "/demo/app:1";
        Cli.Result pull = jreg().run("--dns", dns.server(), "--insecure-registry", NAME + ":" + port(plain), "--debug",
                "pull", "-q", name);
        assertEquals(0, pull.exitCode(), pull::toString);
        assertEquals(name + "\n", pull.out());
        assertTrue(pull.err().contains("debug: dns: " + NAME + " -> [127.0.0.1] from " + dns.server()), pull::toString);
        assertTrue(dns.questions.contains(NAME + ". A"), dns.questions::toString);
    }

    /** sync reopens the façade with the file's sources: the named servers stay. */
    @Test
    void syncResolvesItsSourceThroughTheNamedServer() throws Exception {
        String source = NAME + ":" + port(plain);
        Path file = Files.writeString(home.resolve("sync.yaml"), source + ":\n  tls-verify: false\n  images:\n"
                + "    demo/app: [\"1\"]\n");
        Cli.Result sync = jreg().run("--dns", dns.server(), "sync", "--config", file.toString(), "--dest",
                plain.hostPort() + "/mirror", "--dry-run", "--format", "json");
        assertEquals(0, sync.exitCode(), sync::toString);
        assertTrue(sync.out().contains("\"status\":\"would-copy\""), sync::toString);
    }

    /** The DNS server says where to connect; TLS still checks the certificate against the name. */
    @Test
    void tlsIsVerifiedAgainstTheRegistrysName() throws Exception {
        for (String host : List.of(NAME, OTHER_NAME)) {
            pki.writeCertsDir(home.resolve(".config/jreg/certs.d").resolve(host + ":" + port(tls)), false);
        }
        String name = NAME + ":" + port(tls) + "/demo/app:1";
        Cli.Result pull = jreg().run("--dns", dns.server(), "pull", "-q", name);
        assertEquals(0, pull.exitCode(), pull::toString);
        assertEquals(name + "\n", pull.out());

        Cli.Result other = jreg().run("--dns", dns.server(), "pull", "-q", OTHER_NAME + ":" + port(tls) + "/demo/app:1");
        assertEquals(ExitCodes.NETWORK, other.exitCode(), other::toString);
        assertTrue(other.err().startsWith("jreg: cannot reach registry " + OTHER_NAME + ":" + port(tls)
                + ": its TLS certificate is not for " + OTHER_NAME), other::toString);
    }

    @Test
    void aServerThatNeverAnswersPassesTheNameToTheNext() throws Exception {
        try (TestDns silent = TestDns.silent()) {
            long start = System.nanoTime();
            Cli.Result pull = jreg().env("JREG_DNS", silent.server() + "," + dns.server())
                    .run("--timeout", "1", "--insecure-registry", NAME + ":" + port(plain), "--debug",
                            "pull", "-q", NAME + ":" + port(plain) + "/demo/app:1");
            assertEquals(0, pull.exitCode(), pull::toString);
            // Asked once: the answer is kept for the connections that follow.
            assertEquals(1, pull.err().split("debug: dns: " + silent.server() + " failed for " + NAME, -1).length - 1,
                    pull::toString);
            assertTrue(pull.err().contains("from " + dns.server()), pull::toString);
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "took " + (System.nanoTime() - start) / 1_000_000 + " ms");
        }
    }

    @Test
    void aNameTheServerDoesNotKnowIsOneLine() {
        Cli.Result pull = jreg().run("--dns", dns.server(), "pull", "unknown.test:" + port(plain) + "/demo/app:1");
        assertEquals(ExitCodes.NETWORK, pull.exitCode(), pull::toString);
        assertEquals("jreg: cannot reach registry unknown.test:" + port(plain) + ": host unknown.test not found by DNS"
                + " server " + dns.server() + "\n", pull.err());
    }

    @Test
    void theConfigFileNamesServersPerRegistry() throws Exception {
        String registry = NAME + ":" + port(plain);
        Path config = Files.writeString(home.resolve("config.json"), "{\"registries\": {\"" + registry
                + "\": {\"insecure\": true, \"dns\": [\"" + dns.server() + "\"]}}}");
        Cli.Result pull = jreg().env("JREG_CONFIG", config.toString()).run("pull", "-q", registry + "/demo/app:1");
        assertEquals(0, pull.exitCode(), pull::toString);
    }

    @Test
    void aServerThatIsNotOneIsBadInput() {
        Cli.Result pull = jreg().run("--dns", "http://dns.example/dns-query", "pull", NAME + "/demo/app:1");
        assertEquals(ExitCodes.USAGE, pull.exitCode(), pull::toString);
        assertEquals("jreg: --dns: not a DNS server's address: http://dns.example/dns-query" + FORMS + "\n", pull.err());
    }

    static final String FORMS = " (an IP address, with :PORT if not 53, or https://HOST[:PORT]/PATH)";

    /**
     * A plain server is an IP address, as docker's {@code --dns} takes it: a name is refused before
     * any request, also for a registry given by IP address, whose host no DNS server is asked for.
     */
    @Test
    void aPlainServerByNameIsBadInput() {
        String byName = NAME + ":" + port(plain) + "/demo/app:1";
        for (String server : List.of("dns.example", "foo bar")) {
            for (String image : List.of(byName, plain.hostPort() + "/demo/app:1")) {
                Cli.Result digest = jreg().run("--dns", server, "digest", image);
                assertEquals(ExitCodes.USAGE, digest.exitCode(), digest::toString);
                assertEquals("jreg: --dns: not a DNS server's address: " + server + FORMS + "\n", digest.err());
                assertEquals("", digest.out());
            }
        }
        Cli.Result digest = jreg().env("JREG_DNS", dns.server() + ",foo bar").run("digest", plain.hostPort() + "/demo/app:1");
        assertEquals(ExitCodes.USAGE, digest.exitCode(), digest::toString);
        assertEquals("jreg: JREG_DNS: not a DNS server's address: foo bar" + FORMS + "\n", digest.err());
    }

    @Test
    void aBadServerInTheConfigFileNamesTheFile() throws Exception {
        String registry = NAME + ":" + port(plain);
        Path config = Files.writeString(home.resolve("config.json"), "{\"registries\": {\"" + registry
                + "\": {\"dns\": [\"bogus bogus\"]}}}");
        Cli.Result digest = jreg().env("JREG_CONFIG", config.toString()).run("digest", registry + "/demo/app:1");
        assertEquals(ExitCodes.INVALID_CONTENT, digest.exitCode(), digest::toString);
        assertEquals("jreg: " + config + ": \"dns\" of " + registry + ": not a DNS server's address: bogus bogus"
                + FORMS + "\n", digest.err());
    }

    /** Each server's failure in words, never a Java exception's name. */
    @Test
    void whyNoServerAnsweredIsInWords() throws Exception {
        int closed;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        try (TestDns silent = TestDns.silent()) {
            String registry = NAME + ":" + port(plain);
            Cli.Result digest = jreg().env("JREG_DNS", "127.0.0.1:" + closed + "," + silent.server())
                    .run("--timeout", "1", "digest", registry + "/demo/app:1");
            assertEquals(ExitCodes.NETWORK, digest.exitCode(), digest::toString);
            assertEquals("jreg: cannot reach registry " + registry + ": no DNS server answered for " + NAME
                    + " (127.0.0.1:" + closed + ": port unreachable, " + silent.server() + ": timed out)\n", digest.err());
        }
    }

    /** The TLS registry by the name only the DNS servers know, its CA in certs.d. */
    String trustedTlsName() throws Exception {
        pki.writeCertsDir(home.resolve(".config/jreg/certs.d").resolve(NAME + ":" + port(tls)), false);
        return NAME + ":" + port(tls) + "/demo/app:1";
    }

    /**
     * DNS over HTTPS: the server's certificate trusted through its own certs.d folder, the
     * registry's TLS verified against its name; no credentials go to the DNS server.
     */
    @Test
    void pullsThroughADnsOverHttpsServer() throws Exception {
        assertThrows(UnknownHostException.class, () -> InetAddress.getByName(NAME), "the system resolver knows " + NAME);
        String name = trustedTlsName();
        Files.writeString(Files.createDirectories(home.resolve(".docker")).resolve("config.json"),
                "{\"auths\": {\"" + doh.hostPort() + "\": {\"auth\": \"ZGFuYTpzM2NyZXQ=\"}, \"" + NAME + ":" + port(tls)
                        + "\": {\"auth\": \"ZGFuYTpzM2NyZXQ=\"}}}");
        pki.writeCertsDir(home.resolve(".config/jreg/certs.d").resolve(doh.hostPort()), false);
        Cli.Result pull = jreg().env("DOCKER_CONFIG", home.resolve(".docker").toString())
                .run("--dns", doh.url(), "--debug", "pull", "-q", name);
        assertEquals(0, pull.exitCode(), pull::toString);
        assertEquals(name + "\n", pull.out());
        assertTrue(pull.err().contains("debug: dns: " + NAME + " -> [127.0.0.1] from " + doh.url()), pull::toString);
        assertTrue(doh.questions.contains(NAME + ". A"), doh.questions::toString);
        assertEquals(List.of(), doh.authorizations);
    }

    /** A DNS-over-HTTPS server that cannot be reached passes the name on, to a plain server or another. */
    @Test
    void aDeadDnsOverHttpsServerPassesTheNameToTheNext() throws Exception {
        String name = trustedTlsName();
        pki.writeCertsDir(home.resolve(".config/jreg/certs.d").resolve(doh.hostPort()), false);
        String dead = TestDoh.deadUrl();
        for (String next : List.of(dns.server(), doh.url())) {
            Cli.Result pull = jreg().env("JREG_DNS", dead + "," + next).run("--debug", "pull", "-q", name);
            assertEquals(0, pull.exitCode(), pull::toString);
            assertTrue(pull.err().contains("debug: dns: " + dead + " failed for " + NAME + ": "), pull::toString);
            assertTrue(pull.err().contains("debug: dns: " + NAME + " -> [127.0.0.1] from " + next), pull::toString);
        }
    }

    @Test
    void theConfigFileNamesDnsOverHttpsServers() throws Exception {
        String name = trustedTlsName();
        pki.writeCertsDir(home.resolve(".config/jreg/certs.d").resolve(doh.hostPort()), false);
        Path config = Files.writeString(home.resolve("config.json"), "{\"registries\": {\"" + NAME + ":" + port(tls)
                + "\": {\"dns\": [\"" + doh.url() + "\"]}}}");
        int asked = doh.questions.size();
        Cli.Result pull = jreg().env("JREG_CONFIG", config.toString()).run("pull", "-q", name);
        assertEquals(0, pull.exitCode(), pull::toString);
        assertTrue(doh.questions.size() > asked, doh.questions::toString);
    }

    @Test
    void anUntrustedDnsOverHttpsServerIsOneLine() throws Exception {
        String name = trustedTlsName();
        int asked = doh.questions.size();
        Cli.Result pull = jreg().run("--dns", doh.url(), "pull", "-q", name);
        assertEquals(ExitCodes.NETWORK, pull.exitCode(), pull::toString);
        assertTrue(pull.err().startsWith("jreg: cannot reach registry " + NAME + ":" + port(tls) + ": no DNS server"
                + " answered for " + NAME + " (" + doh.url() + ": its TLS certificate is not trusted ("), pull::toString);
        assertTrue(pull.err().contains(Path.of(".config/jreg/certs.d", doh.hostPort(), "ca.crt").toString()),
                pull::toString);
        assertEquals(1, pull.err().lines().count(), pull::toString);
        assertEquals(asked, doh.questions.size(), "a question reached the server over untrusted TLS");
    }

    @Test
    void aNameTheDnsOverHttpsServerDoesNotKnowIsOneLine() throws Exception {
        pki.writeCertsDir(home.resolve(".config/jreg/certs.d").resolve(doh.hostPort()), false);
        Cli.Result pull = jreg().run("--dns", doh.url(), "pull", "unknown.test:" + port(tls) + "/demo/app:1");
        assertEquals(ExitCodes.NETWORK, pull.exitCode(), pull::toString);
        assertEquals("jreg: cannot reach registry unknown.test:" + port(tls) + ": host unknown.test not found by DNS"
                + " server " + doh.url() + "\n", pull.err());
    }
}
