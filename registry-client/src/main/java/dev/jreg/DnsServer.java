package dev.jreg;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * A DNS server that resolves a registry's hosts, as given to {@code --dns}, {@code JREG_DNS} or a
 * registry's {@code "dns"} list in jreg's config file: a plain one (RFC 1035 over UDP, TCP when an
 * answer is truncated), or a DNS-over-HTTPS one (RFC 8484, {@code https://HOST[:PORT]/PATH}).
 *
 * @param host the server's address: a plain server's is an IP address; a DNS-over-HTTPS server's
 *     is one, or a name, which is resolved the system's way
 * @param port its port: 53 unless given for a plain server, 443 for a DNS-over-HTTPS one
 * @param path the path of a DNS-over-HTTPS server's URL ({@code /dns-query}), or null for a plain
 *     server
 */
public record DnsServer(String host, int port, String path) {
    /** The DNS port. */
    public static final int DEFAULT_PORT = 53;
    /** The HTTPS port, a DNS-over-HTTPS server's unless its URL names another. */
    public static final int HTTPS_PORT = 443;
    private static final String USAGE = " (an IP address, with :PORT if not 53, or https://HOST[:PORT]/PATH)";

    /** Checks the port, that a plain server's host is an IP address, and that a path is one. */
    public DnsServer {
        if (host == null || host.isBlank() || port < 1 || port > 65535 || path != null && !path.startsWith("/")
                || path == null && !ipv4(host) && !ipv6(host)) {
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
     * Reads a plain server's IP address — {@code IPV4}, {@code IPV4:PORT}, an IPv6 address bare or
     * in brackets, {@code [IPV6]:PORT} — as docker's {@code --dns} takes it, never a name, which
     * would need a DNS server of its own; or a DNS-over-HTTPS server's
     * {@code https://HOST[:PORT]/PATH} (no user, query or fragment), whose HOST may be a name.
     * Nothing is resolved.
     *
     * @throws IllegalArgumentException naming the text, when it is none of these, or its port is
     *     not from 1 to 65535
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
        boolean bracketed = value.startsWith("[");
        if (!(bracketed ? ipv6(host) : ipv4(host) || ipv6(host)) || port != null && !port.matches("[0-9]{1,5}")) {
            throw notAServer(value);
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
            throw notAServer(value);
        }
        String host = url.getHost();
        if (host == null || url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null
                || url.getRawPath() == null || url.getRawPath().length() < 2) {
            throw notAServer(value);
        }
        try {
            return new DnsServer(host.startsWith("[") ? host.substring(1, host.length() - 1) : host,
                    url.getPort() == -1 ? HTTPS_PORT : url.getPort(), url.getRawPath());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a DNS server's port is from 1 to 65535, not \"" + text + "\"", e);
        }
    }

    private static IllegalArgumentException notAServer(String value) {
        return new IllegalArgumentException("not a DNS server's address: " + value + USAGE);
    }

    /** Dotted-quad IPv4, each part a decimal from 0 to 255 (not the C library's older forms). */
    private static boolean ipv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (!part.matches("[0-9]{1,3}") || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * An IPv6 address, IPv4 in its last 32 bits allowed, no zone. Only hex digits, colons and dots
     * reach the JDK's parser, which reads such text as a literal and never looks it up.
     */
    private static boolean ipv6(String host) {
        if (!host.contains(":") || !host.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
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
