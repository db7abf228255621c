package dev.jreg.registry;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.SocketFactory;

/**
 * The client's TCP sockets, tuned for moving large bodies with few system calls.
 * <ul>
 * <li>Reads time out in the kernel (SO_TIMEOUT) rather than in okio. OkHttp enforces its read
 * timeout with a watchdog thread that every socket read wakes and puts back to sleep; on a large
 * download that cost about a third as much CPU as the transfer itself. So the client's read
 * timeout is zero, which OkHttp hands to {@link Socket#setSoTimeout}, and these sockets keep the
 * real timeout instead.
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
        return new TunedSocket(readTimeoutMillis);
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

    private static final class TunedSocket extends Socket {
        private final int readTimeoutMillis;
        private InputStream in;
        private OutputStream out;

        TunedSocket(int readTimeoutMillis) {
            this.readTimeoutMillis = readTimeoutMillis;
        }

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
                out = new BufferedOutputStream(super.getOutputStream(), BUFFER);
            }
            return out;
        }
    }

    /**
     * Serves small reads from one large read of the socket. Unlike {@link java.io.BufferedInputStream}
     * it makes at most one read of the socket per call, so a read never waits for more bytes than
     * the socket has, and it asks no {@code available()} of the socket.
     */
    static final class ReadAhead extends FilterInputStream {
        private final byte[] buffer = new byte[BUFFER];
        private int position;
        private int limit;

        ReadAhead(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            if (position == limit) {
                int n = in.read(buffer, 0, buffer.length);
                if (n <= 0) {
                    return -1;
                }
                position = 0;
                limit = n;
            }
            return buffer[position++] & 0xff;
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
