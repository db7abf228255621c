package dev.jreg.internal.registry;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.SocketFactory;

/**
 * The client's TCP sockets, tuned for moving large bodies with few system calls.
 * <ul>
 * <li>Reads time out in the kernel (SO_TIMEOUT) rather than in okio. OkHttp enforces its read
 * timeout with a watchdog thread that every socket read wakes and puts back to sleep; on a large
 * download that cost about a third as much CPU as the transfer itself. So the client's read
 * timeout is zero, which OkHttp hands to {@link Socket#setSoTimeout}, and these sockets keep the
 * real timeout instead.
 * <li>Writes time out on one shared sweeper thread that looks at every socket's write in
 * progress twice per timeout (at least once a second), for the same reason: okio's watchdog is
 * woken by every write, ~0.17 CPU-s of a mirror of 847 MB. So the client's write timeout is zero
 * too.
 * <li>okio reads and writes a socket 8 KB at a time, a system call each. These sockets take up to
 * {@value #BUFFER} bytes per read and send at most that much per write, flushed whenever OkHttp
 * (or TLS) flushes: a large blob then costs a few thousand system calls, not a hundred thousand.
 * </ul>
 */
final class RegistrySockets extends SocketFactory {
    private static final int BUFFER = 256 * 1024;
    private final int readTimeoutMillis;

    RegistrySockets(int readTimeoutMillis) {
        this.readTimeoutMillis = readTimeoutMillis;
    }

    @Override
    public Socket createSocket() {
        return new TunedSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new SocketException("binding a local address is not supported");
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new SocketException("binding a local address is not supported");
    }

    private Socket connected(InetSocketAddress address) throws IOException {
        Socket socket = createSocket();
        socket.connect(address);
        return socket;
    }

    private final class TunedSocket extends Socket {
        private InputStream in;
        private OutputStream out;

        @Override
        public void setSoTimeout(int timeout) throws SocketException {
            super.setSoTimeout(timeout == 0 ? readTimeoutMillis : timeout);
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new ReadAhead(super.getInputStream());
            }
            return in;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                out = new BufferedOutputStream(new TimedWrites(super.getOutputStream(), this, readTimeoutMillis), BUFFER);
            }
            return out;
        }

        @Override
        public synchronized void close() throws IOException {
            try {
                super.close();
            } finally {
                WriteSweeper.INSTANCE.forget(this);
            }
        }
    }

    /**
     * A socket's output whose writes the sweeper may time out: a write that blocks longer than the
     * timeout (the peer stopped reading) closes the socket and fails with a
     * {@link SocketTimeoutException}.
     */
    static final class TimedWrites extends FilterOutputStream {
        private final Socket socket;
        private final long timeoutNanos;
        /** When the write in progress began, or 0 between writes. */
        private volatile long writingSince;
        private volatile boolean timedOut;

        TimedWrites(OutputStream out, Socket socket, int timeoutMillis) {
            super(out);
            this.socket = socket;
            this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            WriteSweeper.INSTANCE.watch(socket, this);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writingSince = System.nanoTime() | 1; // never 0
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw timedOut ? timeout(e) : e;
            } finally {
                writingSince = 0;
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw timedOut ? timeout(e) : e;
            }
        }

        private SocketTimeoutException timeout(IOException cause) {
            SocketTimeoutException e = new SocketTimeoutException("write timed out after "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms: the registry stopped reading");
            e.initCause(cause);
            return e;
        }

        /** Closes the socket when the write in progress has blocked too long; true when it did. */
        boolean expire(long now) {
            long since = writingSince;
            if (since == 0 || now - since < timeoutNanos) {
                return false;
            }
            timedOut = true;
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all that is wanted; the blocked write fails either way
            }
            return true;
        }
    }

    /** The one thread that looks at the writes in progress; it runs only while sockets are open. */
    static final class WriteSweeper implements Runnable {
        static final WriteSweeper INSTANCE = new WriteSweeper();
        private final Map<Socket, TimedWrites> watched = new ConcurrentHashMap<>();
        private boolean running;

        synchronized void watch(Socket socket, TimedWrites writes) {
            watched.put(socket, writes);
            if (!running) {
                running = true;
                Thread thread = new Thread(this, "jreg-write-timeouts");
                thread.setDaemon(true);
                thread.start();
            }
        }

        void forget(Socket socket) {
            watched.remove(socket);
        }

        @Override
        public void run() {
            while (true) {
                synchronized (this) {
                    if (watched.isEmpty()) {
                        running = false;
                        return;
                    }
                }
                long now = System.nanoTime();
                watched.values().removeIf(writes -> writes.expire(now));
                // Each write in progress is looked at twice per timeout, and at least once a second.
                long pauseNanos = watched.values().stream().mapToLong(writes -> writes.timeoutNanos / 2)
                        .reduce(TimeUnit.SECONDS.toNanos(1), Math::min);
                LockSupport.parkNanos(this, Math.max(pauseNanos, TimeUnit.MILLISECONDS.toNanos(10)));
            }
        }
    }

    /**
     * Serves small reads from one large read of the socket. Unlike {@link java.io.BufferedInputStream}
     * it makes at most one read of the socket per call, so a read never waits for more bytes than
     * the socket has, and it asks no {@code available()} of the socket.
     */
    static final class ReadAhead extends FilterInputStream {
        private final byte[] buffer = new byte[BUFFER];
        private final byte[] one = new byte[1];
        private int position;
        private int limit;

        ReadAhead(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (position == limit) {
                if (length >= buffer.length) {
                    return in.read(target, offset, length);
                }
                int n = in.read(buffer, 0, buffer.length);
                if (n <= 0) {
                    return n;
                }
                position = 0;
                limit = n;
            }
            int n = Math.min(length, limit - position);
            System.arraycopy(buffer, position, target, offset, n);
            position += n;
            return n;
        }

        @Override
        public int available() throws IOException {
            return limit - position + in.available();
        }

        @Override
        public long skip(long n) throws IOException {
            if (n <= 0) {
                return 0;
            }
            int length = (int) Math.min(n, BUFFER);
            return Math.max(read(new byte[length], 0, length), 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
