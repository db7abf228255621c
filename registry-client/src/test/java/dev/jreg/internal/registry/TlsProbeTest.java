package dev.jreg.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.RegistryOptions;
import dev.jreg.RetryPolicy;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;

/** How a loopback registry's scheme is found, and what TLS failures say. */
class TlsProbeTest {
    /**
     * A TLS server that drops a plain-HTTP request (as the JDK's HttpsServer does, unlike Go's
     * 400) must not cost the plain probe its retries and their back-off.
     */
    @Test
    void thePlainHttpProbeIsSentOnce() throws Exception {
        List<String> debug = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread dropper = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept()) {
                        socket.setSoLinger(true, 0);
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            dropper.setDaemon(true);
            dropper.start();
            List<java.time.Duration> pauses = new CopyOnWriteArrayList<>();
            RegistryOptions options = new RegistryOptions(name -> Optional.empty(), Set.of(), "jreg-test", null, null,
                    debug::add).withRetry(RetryPolicy.DEFAULT.withAttempts(3).withSleeper(pauses::add));
            RegistryClient client = new RegistryClient(options);
            assertThrows(IOException.class, () -> client.headManifest(
                    Reference.parse("127.0.0.1:" + server.getLocalPort() + "/a:1")));
            assertTrue(debug.stream().noneMatch(line -> line.startsWith("retry") && line.contains("GET http://")),
                    debug::toString);
            assertTrue(debug.stream().anyMatch(line -> line.contains("GET https://")), debug::toString);
        }
    }

    /**
     * A loopback server that accepts and never answers: the plain-HTTP probe's timeouts are
     * retried and counted like any request's, and TLS is not tried after them, which would wait
     * as long again.
     */
    @Test
    void aSilentLoopbackServerTimesOutOverPlainHttpAloneWithTheAttemptsCounted() throws Exception {
        List<String> debug = new CopyOnWriteArrayList<>();
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread silent = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        held.add(server.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            silent.setDaemon(true);
            silent.start();
            List<java.time.Duration> pauses = new CopyOnWriteArrayList<>();
            List<String> notices = new CopyOnWriteArrayList<>();
            RegistryOptions options = new RegistryOptions(name -> Optional.empty(), Set.of(), "jreg-test", null,
                    java.time.Duration.ofMillis(300), debug::add)
                    .withRetry(RetryPolicy.DEFAULT.withAttempts(3).withSleeper(pauses::add).withNotices(notices::add));
            RegistryClient client = new RegistryClient(options);
            IOException e = assertThrows(IOException.class, () -> client.headManifest(
                    Reference.parse("127.0.0.1:" + server.getLocalPort() + "/a:1")));
            assertEquals("cannot reach registry 127.0.0.1:" + server.getLocalPort() + ": timed out (3 attempts)", e.getMessage());
            assertEquals(3, held.size(), "three connections, all plain HTTP");
            assertEquals(1, notices.size(), notices::toString);
            assertTrue(debug.stream().noneMatch(line -> line.contains("https://")), debug::toString);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void aCertificateForOtherNamesSaysWhichNames() {
        SSLPeerUnverifiedException e = new SSLPeerUnverifiedException("Hostname 127.0.0.1 not verified:\n"
                + "    certificate: sha256/AAAA\n    DN: CN=example.invalid\n    subjectAltNames: [example.invalid, b.invalid]");
        assertEquals("cannot reach registry 127.0.0.1:5000: its TLS certificate is not for 127.0.0.1:5000"
                + " (it names example.invalid, b.invalid)", RegistryHttp.unreachable("registry 127.0.0.1:5000",
                "127.0.0.1:5000", e, List.of()).getMessage());
    }

    /** What the JDK throws for a chain no CA it was given vouches for. */
    private static SSLHandshakeException untrusted() {
        SSLHandshakeException e = new SSLHandshakeException("PKIX path building failed");
        e.initCause(new CertificateException("PKIX path building failed: unable to find valid certification path to"
                + " requested target"));
        return e;
    }

    private static String untrustedMessage(RegistryOptions options) {
        return RegistryHttp.unreachable("registry 127.0.0.1:5517", "127.0.0.1:5517", untrusted(),
                options.certificateRoots()).getMessage();
    }

    /** The hint names the certs.d folders searched: under $XDG_CONFIG_HOME when it is set. */
    @Test
    void anUntrustedCertificateNamesTheFoldersSearchedUnderXdgConfigHome() {
        assertEquals("cannot reach registry 127.0.0.1:5517: its TLS certificate is not trusted (PKIX path building failed:"
                + " unable to find valid certification path to requested target); put its CA in"
                + " /xdg/jreg/certs.d/127.0.0.1:5517/ca.crt or /etc/docker/certs.d/127.0.0.1:5517/ca.crt, or mark the"
                + " registry insecure (--insecure-registry 127.0.0.1:5517)",
                untrustedMessage(RegistryOptions.fromEnvironment(Map.of("XDG_CONFIG_HOME", "/xdg"), Path.of("/home/u"))));
    }

    @Test
    void anUntrustedCertificateNamesTheFoldersSearchedUnderHome() {
        assertEquals("cannot reach registry 127.0.0.1:5517: its TLS certificate is not trusted (PKIX path building failed:"
                + " unable to find valid certification path to requested target); put its CA in"
                + " /home/u/.config/jreg/certs.d/127.0.0.1:5517/ca.crt or /etc/docker/certs.d/127.0.0.1:5517/ca.crt, or"
                + " mark the registry insecure (--insecure-registry 127.0.0.1:5517)",
                untrustedMessage(RegistryOptions.fromEnvironment(Map.of(), Path.of("/home/u"))));
    }

    /** A caller's own folders, whatever their names, are the ones named. */
    @Test
    void anUntrustedCertificateNamesACallersOwnFolders() {
        RegistryOptions options = new RegistryOptions(null, null, null, null, null, null,
                List.of(Path.of("/opt/app/trust")), null, null);
        assertEquals("cannot reach registry 127.0.0.1:5517: its TLS certificate is not trusted (PKIX path building failed:"
                + " unable to find valid certification path to requested target); put its CA in"
                + " /opt/app/trust/127.0.0.1:5517/ca.crt, or mark the registry insecure (--insecure-registry 127.0.0.1:5517)",
                untrustedMessage(options));
    }

    /** Anonymous options search no folder: the hint says so and how to have the user's searched. */
    @Test
    void anUntrustedCertificateWithoutFoldersSaysNoneIsSearched() {
        assertEquals("cannot reach registry 127.0.0.1:5517: its TLS certificate is not trusted (PKIX path building failed:"
                + " unable to find valid certification path to requested target); put its CA in 127.0.0.1:5517/ca.crt of"
                + " a certs.d folder (none is searched: RegistryOptions.fromEnvironment searches the user's), or mark the"
                + " registry insecure (--insecure-registry 127.0.0.1:5517)",
                untrustedMessage(RegistryOptions.defaults()));
    }

    @Test
    void aMissingClientCertificateNamesTheFoldersSearched() {
        SSLException e = new SSLException("Received fatal alert: certificate_required");
        assertEquals("cannot reach registry 127.0.0.1:5517: TLS failed (Received fatal alert: certificate_required); the"
                + " registry may require a client certificate: put client.cert and client.key in"
                + " /xdg/jreg/certs.d/127.0.0.1:5517 or /etc/docker/certs.d/127.0.0.1:5517",
                RegistryHttp.unreachable("registry 127.0.0.1:5517", "127.0.0.1:5517", e, RegistryOptions.fromEnvironment(
                        Map.of("XDG_CONFIG_HOME", "/xdg"), Path.of("/home/u")).certificateRoots()).getMessage());
    }
}
