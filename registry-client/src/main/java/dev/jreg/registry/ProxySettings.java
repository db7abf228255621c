package dev.jreg.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Proxies as curl and Go read them: {@code HTTPS_PROXY} for HTTPS requests, {@code HTTP_PROXY}
 * for plain HTTP, {@code NO_PROXY} for exceptions ({@code *}, host names and domain suffixes,
 * IP addresses, CIDR ranges, optional {@code :port}). Loopback is never proxied, as in Go.
 *
 * @param httpsProxy proxy URL for HTTPS requests, or null
 * @param httpProxy proxy URL for plain HTTP requests, or null
 * @param noProxy the exceptions, comma-separated, or null
 */
public record ProxySettings(String httpsProxy, String httpProxy, String noProxy) {
    /** No proxy at all. */
    public static final ProxySettings NONE = new ProxySettings(null, null, null);

    /** Reads the usual variables, upper case first, then lower case. */
    public static ProxySettings fromEnvironment(Map<String, String> env) {
        return new ProxySettings(first(env, "HTTPS_PROXY", "https_proxy"), first(env, "HTTP_PROXY", "http_proxy"),
                first(env, "NO_PROXY", "no_proxy"));
    }

    private static String first(Map<String, String> env, String upper, String lower) {
        String value = env.get(upper);
        if (value == null || value.isBlank()) {
            value = env.get(lower);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The proxy for a URL's scheme, host and port, or {@link Proxy#NO_PROXY}. */
    Proxy proxyFor(String scheme, String host, int port) {
        String url = "https".equals(scheme) ? httpsProxy : httpProxy;
        if (url == null || Loopback.isLoopback(host) || excluded(host, port)) {
            return Proxy.NO_PROXY;
        }
        URI uri = URI.create(url.contains("://") ? url : "http://" + url);
        int proxyPort = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(uri.getHost(), proxyPort));
    }

    boolean excluded(String host, int port) {
        if (noProxy == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        for (String raw : noProxy.split("[,\\s]+")) {
            String entry = raw.trim().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals("*")) {
                return true;
            }
            int entryPort = -1;
            int colon = entry.lastIndexOf(':');
            if (colon > 0 && entry.indexOf(':') == colon && entry.substring(colon + 1).matches("\\d+")) {
                entryPort = Integer.parseInt(entry.substring(colon + 1));
                entry = entry.substring(0, colon);
            }
            if (entryPort != -1 && entryPort != port) {
                continue;
            }
            if (entry.contains("/") ? inCidr(h, entry) : matchesHost(h, entry)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesHost(String host, String entry) {
        String domain = entry.startsWith("*.") ? entry.substring(1) : entry;
        if (domain.startsWith(".")) {
            return host.endsWith(domain) || host.equals(domain.substring(1));
        }
        return host.equals(domain) || host.endsWith("." + domain);
    }

    /** Only literal addresses are compared with ranges: a name is never resolved to decide. */
    private static boolean inCidr(String host, String cidr) {
        if (!host.matches("[0-9.]+|[0-9a-f:]+")) {
            return false;
        }
        try {
            String[] parts = cidr.split("/");
            byte[] network = InetAddress.getByName(parts[0]).getAddress();
            byte[] address = InetAddress.getByName(host).getAddress();
            int bits = Integer.parseInt(parts[1]);
            if (network.length != address.length || bits < 0 || bits > network.length * 8) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((network[i / 8] & mask) != (address[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException | NumberFormatException e) {
            return false;
        }
    }

    /** A selector for OkHttp. */
    ProxySelector selector() {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                List<Proxy> proxies = new ArrayList<>();
                int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
                proxies.add(proxyFor(uri.getScheme(), uri.getHost(), port));
                return proxies;
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {
                // OkHttp reports the failure to the caller; nothing to remember.
            }
        };
    }
}
