package dev.jreg;

import java.util.Locale;

/**
 * A DNS server that resolves a registry's hosts (RFC 1035 over UDP, TCP when an answer is
 * truncated), as given to {@code --dns}, {@code JREG_DNS} or a registry's {@code "dns"} list in
 * jreg's config file.
 *
 * @param host the server's address (an IP address; a name is resolved the system's way)
 * @param port its port, 53 unless given
 */
public record DnsServer(String host, int port) {
    /** The DNS port. */
    public static final int DEFAULT_PORT = 53;

    /** Checks the port. */
    public DnsServer {
        if (host == null || host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("not a DNS server: " + host + ":" + port);
        }
    }

    /**
     * Reads {@code HOST}, {@code HOST:PORT}, an IPv6 address, or {@code [IPV6]:PORT}.
     *
     * @throws IllegalArgumentException naming the text, when it is none of these
     */
    public static DnsServer parse(String text) {
        String value = text.trim();
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
        if (host.isEmpty() || host.contains("/") || port != null && !port.matches("[0-9]{1,5}")
                || value.toLowerCase(Locale.ROOT).startsWith("https:")) {
            throw new IllegalArgumentException("a DNS server is SERVER[:PORT] (192.0.2.53, 192.0.2.53:5353,"
                    + " [2001:db8::53]:53), not \"" + text + "\"");
        }
        try {
            return new DnsServer(host, port == null ? DEFAULT_PORT : Integer.parseInt(port));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a DNS server's port is from 1 to 65535, not \"" + text + "\"", e);
        }
    }

    /** {@code HOST:PORT}, an IPv6 address in brackets. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
