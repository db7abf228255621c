package dev.jreg.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal HTTP proxy on 127.0.0.1 for tests: {@code CONNECT} tunnels and absolute-URI requests,
 * every target sent to 127.0.0.1 at the requested port. Records the request line of every
 * connection it serves.
 */
public final class TestProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public TestProxy() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "test-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** The first request line of each connection served, e.g. {@code CONNECT host:443 HTTP/1.1}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread handler = new Thread(() -> serve(client), "test-proxy-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            String text = new String(head, StandardCharsets.ISO_8859_1);
            String requestLine = text.substring(0, text.indexOf("\r\n"));
            requests.add(requestLine);
            String[] parts = requestLine.split(" ");
            boolean connect = parts[0].equals("CONNECT");
            String authority = connect ? parts[1] : parts[1].replaceFirst("^[a-z]+://", "").replaceFirst("/.*$", "");
            int port = Integer.parseInt(authority.substring(authority.lastIndexOf(':') + 1));
            try (Socket target = new Socket(InetAddress.getLoopbackAddress(), port)) {
                if (connect) {
                    client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    target.getOutputStream().write(head);
                }
                Thread upstream = pipe(in, target.getOutputStream());
                pipe(target.getInputStream(), client.getOutputStream()).join();
                upstream.join(1000);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // A test proxy drops broken connections silently; the client sees the failure.
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the request head ended");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toByteArray();
    }

    private static Thread pipe(InputStream from, OutputStream to) {
        Thread thread = new Thread(() -> {
            try {
                from.transferTo(to);
                to.flush();
            } catch (IOException ignored) {
                // The other side closed.
            }
        }, "test-proxy-pipe");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
