package dev.jreg.internal.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RegistrySocketsTest {
    /** Hands out at most {@code piece} bytes per read, as a socket hands out what has arrived. */
    static final class Trickle extends InputStream {
        final byte[] data;
        final int piece;
        int position;
        int reads;

        Trickle(byte[] data, int piece) {
            this.data = data;
            this.piece = piece;
        }

        @Override
        public int read() {
            throw new AssertionError("single-byte reads are not expected");
        }

        @Override
        public int read(byte[] b, int off, int len) {
            reads++;
            if (position == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, piece), data.length - position);
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }
    }

    @Test
    void readsNoMoreThanOneSocketReadPerCallAndKeepsEveryByte() throws IOException {
        byte[] data = new byte[1_000_000];
        new Random(7).nextBytes(data);
        Trickle socket = new Trickle(data, 100_000);
        InputStream in = new RegistrySockets.ReadAhead(socket);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] small = new byte[8192];
        int calls = 0;
        for (int n; (n = in.read(small, 0, small.length)) != -1; calls++) {
            int before = socket.reads;
            out.write(small, 0, n);
            assertTrue(socket.reads - before <= 1);
        }
        assertArrayEquals(data, out.toByteArray());
        // One socket read per 100 KB that arrived, not one per 8 KB asked for.
        assertEquals(11, socket.reads);
        assertTrue(calls > 100, "calls " + calls);
    }

    @Test
    void singleBytesSkipsAndEndOfStream() throws IOException {
        InputStream in = new RegistrySockets.ReadAhead(new Trickle(new byte[] {1, 2, 3, 4, 5}, 2));
        assertEquals(1, in.read());
        assertEquals(1, in.skip(10));
        assertEquals(3, in.read());
        byte[] rest = new byte[10];
        assertEquals(1, in.read(rest, 0, 10));
        assertEquals(4, rest[0]);
        assertEquals(1, in.read(rest, 0, 10));
        assertEquals(5, rest[0]);
        assertEquals(-1, in.read(rest, 0, 10));
        assertEquals(-1, in.read());
        assertEquals(0, in.skip(3));
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aWriteThatThePeerNeverReadsTimesOut() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.setReceiveBufferSize(4096);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (Socket client = new RegistrySockets(300).createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                    Socket ignored = server.accept()) {
                OutputStream out = client.getOutputStream();
                byte[] chunk = new byte[64 * 1024];
                long start = System.nanoTime();
                SocketTimeoutException timeout = assertThrows(SocketTimeoutException.class, () -> {
                    for (int i = 0; i < 100_000; i++) { // far more than the kernel buffers hold
                        out.write(chunk);
                    }
                });
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                assertTrue(waited.compareTo(Duration.ofMillis(300)) >= 0, "gave up after " + waited);
                assertTrue(waited.compareTo(Duration.ofSeconds(10)) < 0, "waited " + waited);
                assertTrue(timeout.getMessage().contains("write timed out"), timeout.getMessage());
                assertTrue(client.isClosed());
            }
        }
    }

    @Test
    void writesThatKeepMovingNeverTimeOut() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            try (Socket client = new RegistrySockets(200).createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                    Socket peer = server.accept()) {
                Thread reader = new Thread(() -> {
                    try {
                        peer.getInputStream().transferTo(OutputStream.nullOutputStream());
                    } catch (IOException ignored) {
                        // the client closed
                    }
                });
                reader.start();
                OutputStream out = client.getOutputStream();
                byte[] chunk = new byte[256 * 1024];
                long deadline = System.nanoTime() + Duration.ofMillis(800).toNanos();
                while (System.nanoTime() < deadline) { // outlasts the timeout several times over
                    out.write(chunk);
                }
                out.flush();
                client.close();
                reader.join(10_000);
            }
        }
    }
}
