package dev.jreg.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.SocketFactory;

/**
 * Sockets whose reads time out in the kernel (SO_TIMEOUT) rather than in okio. OkHttp enforces its
 * own read timeout with a watchdog thread that every socket read of 8 KB wakes and puts back to
 * sleep; on a large download that cost about a third as much CPU as the transfer itself. So the
 * client's read timeout is zero, which OkHttp hands to {@link Socket#setSoTimeout}, and these
 * sockets keep the real timeout instead.
 */
final class KernelTimeoutSockets extends SocketFactory {
    private final int readTimeoutMillis;

    KernelTimeoutSockets(int readTimeoutMillis) {
        this.readTimeoutMillis = readTimeoutMillis;
    }

    @Override
    public Socket createSocket() {
        return new Socket() {
            @Override
            public void setSoTimeout(int timeout) throws SocketException {
                super.setSoTimeout(timeout == 0 ? readTimeoutMillis : timeout);
            }
        };
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
}
