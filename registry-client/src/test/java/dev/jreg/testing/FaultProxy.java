package dev.jreg.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a real registry, for fault injection: it counts the bytes
 * sent to clients, can throttle them, and can cut every connection after a number of bytes.
 */
public final class FaultProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final AtomicLong downstream = new AtomicLong();
    private volatile long bytesPerSecond;
    private volatile long cutAfter = -1;

    /**
     * @param targetPort the registry's port on 127.0.0.1
     * @param bytesPerSecond throttle per connection, or 0 for none
     */
    public FaultProxy(int targetPort, long bytesPerSecond) throws IOException {
        this.targetPort = targetPort;
        this.bytesPerSecond = bytesPerSecond;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "fault-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code 127.0.0.1:PORT}, to use as the registry's name. */
    public String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Bytes sent to clients since the last {@link #reset}. */
    public long downstream() {
        return downstream.get();
    }

    /** Zeroes the byte count. */
    public void reset() {
        downstream.set(0);
    }

    /** Changes the throttle (0: none). */
    public void throttle(long perSecond) {
        bytesPerSecond = perSecond;
    }

    /** Cuts each new connection after this many downstream bytes (-1: never). */
    public void cutAfter(long bytes) {
        cutAfter = bytes;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> serve(client), "fault-proxy-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
            Thread up = new Thread(() -> copy(client, target, false), "fault-proxy-up");
            up.setDaemon(true);
            up.start();
            copy(target, client, true);
        } catch (IOException ignored) {
            // The client sees the broken connection.
        }
    }

    private void copy(Socket from, Socket to, boolean downstreamSide) {
        byte[] buffer = new byte[64 * 1024];
        long sent = 0;
        long start = System.nanoTime();
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) != -1;) {
                if (downstreamSide) {
                    long limit = cutAfter;
                    if (limit >= 0 && sent + n > limit) {
                        out.write(buffer, 0, (int) Math.max(0, limit - sent));
                        downstream.addAndGet(Math.max(0, limit - sent));
                        to.close();
                        return;
                    }
                    downstream.addAndGet(n);
                }
                out.write(buffer, 0, n);
                sent += n;
                long rate = bytesPerSecond;
                if (downstreamSide && rate > 0) {
                    long due = start + sent * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        // Pacing the throttle, not waiting for a server.
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                }
            }
            to.shutdownOutput();
        } catch (IOException ignored) {
            // Either side went away.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
