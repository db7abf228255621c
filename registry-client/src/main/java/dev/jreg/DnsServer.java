package dev.jreg;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A DNS server that resolves a registry's hosts, as given to {@code --dns}, {@code JREG_DNS} or a
 * registry's {@code "dns"} list in jreg's config file: a plain one (RFC 1035 over UDP, TCP when an
 * answer is truncated), or a DNS-over-HTTPS one (RFC 8484, {@code https://HOST[:PORT]/PATH}).
 *
 * @param host the server's address; an IP address, or a name, which is resolved the system's way
 * @param port its port: 53 unless given for a plain server, 443 for a DNS-over-HTTPS one
 * @param path the path of a DNS-over-HTTPS server's URL ({@code /dns-query}), or null for a plain
 *     server
 */
public record DnsServer(String host, int port, String path) {
    /** The DNS port. */
    public static final int DEFAULT_PORT = 53;
    /** The HTTPS port, a DNS-over-HTTPS server's unless its URL names another. */
    public static final int HTTPS_PORT = 443;
    private static final String USAGE = "a DNS server is SERVER[:PORT] (192.0.2.53, 192.0.2.53:5353,"
            + " [2001:db8::53]:53) or https://HOST[:PORT]/PATH (DNS over HTTPS), not \"";

    /** Checks the port, and that a path is one. */
    public DnsServer {
        if (host == null || host.isBlank() || port < 1 || port > 65535 || path != null && !path.startsWith("/")) {
            throw new IllegalArgumentException("not a DNS server: " + host + ":" + port + (path == null ? "" : path));
        }
    }

    /** A plain DNS server. */
    public DnsServer(String host, int port) {
        this(host, port, null);
    }

    /** Whether this is a DNS-over-HTTPS server (RFC 8484). */
    public boolean https() {
        return path != null;
    }

    /**
     * Reads {@code HOST}, {@code HOST:PORT}, an IPv6 address, {@code [IPV6]:PORT}, or a
     * DNS-over-HTTPS server's {@code https://HOST[:PORT]/PATH} (no user, query or fragment).
     *
     * @throws IllegalArgumentException naming the text, when it is none of these
     */
    public static DnsServer parse(String text) {
        String value = text.trim();
        if (value.toLowerCase(Locale.ROOT).startsWith("https://")) {
            return parseHttps(text, value);
        }
        String host = value;
        String port = null;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            host = close > 0 ? value.substring(1, close) : "";
            String rest = close > 0 ? value.substring(close + 1) : "";
            port = rest.startsWith(":") ? rest.substring(1) : rest.isEmpty() ? null : "";
        } else if (value.indexOf(':') > 0 && value.indexOf(':') == value.lastIndexOf(':')) {
            host = value.substring(0, value.indexOf(':'));
            port = value.substring(value.indexOf(':') + 1);
        }
        if (host.isEmpty() || host.contains("/") || port != null && !port.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException(USAGE + text + "\"");
        }
        try {
            return new DnsServer(host, port == null ? DEFAULT_PORT : Integer.parseInt(port));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a DNS server's port is from 1 to 65535, not \"" + text + "\"", e);
        }
    }

    private static DnsServer parseHttps(String text, String value) {
        URI url;
        try {
            url = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(USAGE + text + "\"", e);
        }
        String host = url.getHost();
        if (host == null || url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null
                || url.getRawPath() == null || url.getRawPath().length() < 2) {
            throw new IllegalArgumentException(USAGE + text + "\"");
        }
        try {
            return new DnsServer(host.startsWith("[") ? host.substring(1, host.length() - 1) : host,
                    url.getPort() == -1 ? HTTPS_PORT : url.getPort(), url.getRawPath());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a DNS server's port is from 1 to 65535, not \"" + text + "\"", e);
        }
    }

    /**
     * {@code HOST:PORT}, an IPv6 address in brackets; a DNS-over-HTTPS server's URL, its port only
     * when not 443.
     */
    @Override
    public String toString() {
        String bracketed = host.contains(":") ? "[" + host + "]" : host;
        if (https()) {
            return "https://" + bracketed + (port == HTTPS_PORT ? "" : ":" + port) + path;
        }
        return bracketed + ":" + port;
    }
}
