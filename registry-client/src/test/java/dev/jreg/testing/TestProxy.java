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
 * connection it serves. One that requires credentials answers 407 to requests without them, and
 * like real proxies does not pass {@code Proxy-Authorization} on; it serves one absolute-URI
 * request per connection, so that none can slip past it on a kept-alive connection.
 */
public final class TestProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private final String authorization;

    public TestProxy() throws IOException {
        this(null);
    }

    /** @param authorization the {@code Proxy-Authorization} value required, or null for none */
    public TestProxy(String authorization) throws IOException {
        this.authorization = authorization;
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

    /** The request lines answered 407: without the required credentials. */
    public List<String> refused() {
        return List.copyOf(refused);
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
            if (authorization != null && !text.contains("\r\nProxy-Authorization: " + authorization + "\r\n")) {
                refused.add(requestLine);
                client.getOutputStream().write(("HTTP/1.1 407 Proxy Authentication Required\r\n"
                        + "Proxy-Authenticate: Basic realm=\"test-proxy\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            requests.add(requestLine);
            String[] parts = requestLine.split(" ");
            boolean connect = parts[0].equals("CONNECT");
            String authority = connect ? parts[1] : parts[1].replaceFirst("^[a-z]+://", "").replaceFirst("/.*$", "");
            int port = Integer.parseInt(authority.substring(authority.lastIndexOf(':') + 1));
            try (Socket target = new Socket(InetAddress.getLoopbackAddress(), port)) {
                if (connect) {
                    client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    target.getOutputStream().write(forwarded(text).getBytes(StandardCharsets.ISO_8859_1));
                }
                Thread upstream = pipe(in, target.getOutputStream());
                pipe(target.getInputStream(), client.getOutputStream()).join();
                upstream.join(1000);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // A test proxy drops broken connections silently; the client sees the failure.
        }
    }

    /** The head without the proxy's own header, asking the target to close after its answer. */
    private static String forwarded(String head) {
        StringBuilder out = new StringBuilder();
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (!lower.startsWith("proxy-authorization:") && !lower.startsWith("connection:")) {
                out.append(line).append("\r\n");
            }
        }
        return out.append("Connection: close\r\n\r\n").toString();
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
