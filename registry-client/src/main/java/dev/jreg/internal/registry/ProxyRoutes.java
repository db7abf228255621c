package dev.jreg.internal.registry;

import dev.jreg.ProxySettings;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import okhttp3.Authenticator;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Route;

/**
 * How requests reach their proxy, for OkHttp: the proxy of each scheme, host and port under
 * {@link ProxySettings}' {@code NO_PROXY} rules, and the proxy credentials (Basic
 * {@code Proxy-Authorization}, on {@code CONNECT} for HTTPS, on each request for plain HTTP).
 * Public for the settings' checks; not part of the supported API.
 */
public final class ProxyRoutes {
    private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");
    private final String httpsProxy;
    private final String httpProxy;
    private final String noProxy;

    ProxyRoutes(ProxySettings settings) {
        this.httpsProxy = settings.httpsProxy();
        this.httpProxy = settings.httpProxy();
        this.noProxy = settings.noProxy();
    }

    /**
     * A proxy URL, checked, {@code http://} when it names no scheme; null for none.
     *
     * @throws IllegalArgumentException naming the variable when it cannot be used
     */
    public static HttpUrl checked(String variable, String url) {
        if (url == null) {
            return null;
        }
        int separator = url.indexOf("://");
        String scheme = separator < 0 ? "http" : url.substring(0, separator).toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            throw new IllegalArgumentException(variable + " names an https:// proxy, which jreg cannot speak TLS to;"
                    + " it refuses to send the proxy's credentials and requests in clear text instead: give the"
                    + " proxy's http:// address");
        }
        if (!scheme.equals("http")) {
            throw new IllegalArgumentException(variable + " names a proxy of scheme \"" + scheme
                    + "\"; jreg speaks to HTTP proxies only: http://[USER:PASSWORD@]HOST[:PORT]");
        }
        String rest = separator < 0 ? url : url.substring(separator + 3);
        String authority = rest.split("[/?#]", 2)[0];
        int at = authority.lastIndexOf('@');
        if (at >= 0 && BAD_ESCAPE.matcher(authority.substring(0, at)).find()) {
            throw new IllegalArgumentException(variable + ": the user or password in the proxy URL has an invalid"
                    + " percent-encoding ('%' must be followed by two hex digits; '%25' is '%')");
        }
        HttpUrl parsed = HttpUrl.parse("http://" + rest);
        if (parsed == null) {
            throw new IllegalArgumentException(variable + " is not a proxy URL of the form"
                    + " http://[USER:PASSWORD@]HOST[:PORT] (a valid host, a port from 1 to 65535)");
        }
        return parsed;
    }

    /** The proxy for a URL's scheme, host and port, or {@link Proxy#NO_PROXY}. */
    Proxy proxyFor(String scheme, String host, int port) {
        HttpUrl proxy = proxyUrl(scheme);
        if (proxy == null || Loopback.isLoopback(host) || excluded(host, port)) {
            return Proxy.NO_PROXY;
        }
        return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(proxy.host(), proxy.port()));
    }

    /** The proxy URL for requests of a scheme, or null. */
    private HttpUrl proxyUrl(String scheme) {
        return "https".equals(scheme) ? checked("HTTPS_PROXY", httpsProxy) : checked("HTTP_PROXY", httpProxy);
    }

    /**
     * The proxy that requests of a scheme to a host go through, for messages:
     * {@code proxy HOST:PORT (HTTPS_PROXY)}; null when they go direct.
     */
    String describe(String scheme, String host, int port) {
        if (proxyFor(scheme, host, port).type() != Proxy.Type.HTTP) {
            return null;
        }
        HttpUrl url = proxyUrl(scheme);
        return "proxy " + url.host() + ":" + url.port() + " (" + ("https".equals(scheme) ? "HTTPS_PROXY" : "HTTP_PROXY") + ")";
    }

    /**
     * The {@code Proxy-Authorization} value for the proxy of a scheme's requests: Basic, with the
     * user and password of its URL percent-decoded; null when the URL names no user.
     */
    private String authorization(String scheme) {
        HttpUrl proxy = proxyUrl(scheme);
        return proxy == null || proxy.username().isEmpty() ? null
                : Credentials.basic(proxy.username(), proxy.password(), StandardCharsets.UTF_8);
    }

    /**
     * Answers a proxy's 407, and OkHttp's preemptive call before each {@code CONNECT}, with the
     * credentials of the proxy's URL. Once they were sent and refused, that is final: the same
     * credentials would be refused again, so it is not a failure worth retrying.
     */
    Authenticator authenticator() {
        return (route, response) -> {
            if (route == null || route.proxy().type() != Proxy.Type.HTTP) {
                return null;
            }
            if (response.request().header("Proxy-Authorization") != null) {
                throw new dev.jreg.error.UnreachableException("the proxy " + route.proxy().address()
                        + " refused the credentials of its URL (HTTP 407)", null);
            }
            String value = authorization(route.address().url().scheme());
            return value == null ? null : response.request().newBuilder().header("Proxy-Authorization", value).build();
        };
    }

    /**
     * A network interceptor that sends the credentials up front, as curl and Go do, with each
     * request that the proxy itself reads — plain HTTP, so that a streamed upload is never
     * answered 407 — and never inside a {@code CONNECT} tunnel, where the header would reach the
     * registry.
     */
    Interceptor preemptiveAuthorization() {
        return chain -> {
            Route route = chain.connection() == null ? null : chain.connection().route();
            String value = route == null || route.proxy().type() != Proxy.Type.HTTP || route.requiresTunnel() ? null
                    : authorization(chain.request().url().scheme());
            return chain.proceed(value == null ? chain.request()
                    : chain.request().newBuilder().header("Proxy-Authorization", value).build());
        };
    }

    /** A proxy URL without its user and password, for messages; null for none. */
    public static String withoutCredentials(String url) {
        HttpUrl parsed = checked("proxy", url);
        return parsed == null ? null : parsed.newBuilder().username("").password("").build().toString();
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
            int colon = entry.lastIndexOf(':');
            if (colon > 0 && entry.indexOf(':') == colon && entry.substring(colon + 1).matches("\\d+")) {
                if (Integer.parseInt(entry.substring(colon + 1)) != port) {
                    continue;
                }
                entry = entry.substring(0, colon);
            }
            if (entry.contains("/") ? inCidr(h, entry) : matchesHost(h, entry)) {
                return true;
            }
        }
        return false;
    }

    /** {@code example.com}, {@code .example.com} and {@code *.example.com} all cover the domain and its subdomains. */
    private static boolean matchesHost(String host, String entry) {
        String domain = entry.startsWith("*.") ? entry.substring(2)
                : entry.startsWith(".") ? entry.substring(1) : entry;
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
            // The first bits agree when the bits in which the two differ all lie past them.
            return network.length == address.length && bits >= 0 && bits <= network.length * 8
                    && new BigInteger(1, network).xor(new BigInteger(1, address)).shiftRight(network.length * 8 - bits)
                            .signum() == 0;
        } catch (UnknownHostException | NumberFormatException e) {
            return false;
        }
    }

    /** A selector for OkHttp. */
    ProxySelector selector() {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
                return List.of(proxyFor(uri.getScheme(), uri.getHost(), port));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {
                // OkHttp reports the failure to the caller; nothing to remember.
            }
        };
    }
}
