package dev.jreg.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A DNS-over-HTTPS server (RFC 8484) on 127.0.0.1, a free port, with {@link TestPki}'s server
 * certificate: a query by {@code GET ?dns=BASE64URL} or {@code POST} of
 * {@code application/dns-message} is answered as {@link TestDns} answers it, A records for the
 * names it is given and NXDOMAIN for the rest.
 */
public final class TestDoh implements AutoCloseable {
    private final HttpsServer server;
    private final Map<String, String> addresses;
    /** The names asked, in order, with the query type: {@code registry.test. A}. */
    public final List<String> questions = new CopyOnWriteArrayList<>();
    /** Each request's {@code Authorization} header, when it had one. */
    public final List<String> authorizations = new CopyOnWriteArrayList<>();

    private TestDoh(TestPki pki, Map<String, String> addresses) throws Exception {
        this.addresses = addresses;
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(pki.serverContext()));
        server.createContext("/dns-query", this::handle);
        server.start();
    }

    /**
     * @param addresses IPv4 address by host name ({@code registry.test} to {@code 127.0.0.1})
     */
    public static TestDoh answering(TestPki pki, Map<String, String> addresses) throws Exception {
        return new TestDoh(pki, addresses);
    }

    /** {@code https://127.0.0.1:PORT/dns-query}, as {@code --dns} takes it. */
    public String url() {
        return "https://" + hostPort() + "/dns-query";
    }

    /** {@code 127.0.0.1:PORT}, its certs.d folder's name. */
    public String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** The URL of a server that is not there: a port just freed, which refuses connections. */
    public static String deadUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "https://127.0.0.1:" + socket.getLocalPort() + "/dns-query";
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null) {
                authorizations.add(authorization);
            }
            String query = exchange.getRequestURI().getRawQuery();
            byte[] wire = exchange.getRequestMethod().equals("POST") ? body.readAllBytes()
                    : query != null && query.startsWith("dns=") ? Base64.getUrlDecoder().decode(query.substring(4)) : null;
            if (wire == null) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            byte[] reply = TestDns.reply(wire, addresses, questions);
            exchange.getResponseHeaders().set("Content-Type", "application/dns-message");
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
