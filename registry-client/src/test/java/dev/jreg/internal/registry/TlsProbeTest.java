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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
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
                "127.0.0.1:5000", e).getMessage());
    }
}
