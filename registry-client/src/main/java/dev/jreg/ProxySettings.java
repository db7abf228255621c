package dev.jreg;

import dev.jreg.internal.registry.ProxyRoutes;
import java.util.Map;

/**
 * Proxies as curl and Go read them: {@code HTTPS_PROXY} for HTTPS requests, {@code HTTP_PROXY}
 * for plain HTTP, {@code NO_PROXY} for exceptions ({@code *}, host names and domain suffixes,
 * IP addresses, CIDR ranges, optional {@code :port}). Loopback is never proxied, as in Go. A
 * proxy URL's {@code USER:PASSWORD@} (percent-encoded) goes to that proxy only, as Basic
 * {@code Proxy-Authorization}: on {@code CONNECT} for HTTPS, on each request for plain HTTP.
 * {@link #toString()} leaves credentials out.
 *
 * @param httpsProxy proxy URL for HTTPS requests, or null
 * @param httpProxy proxy URL for plain HTTP requests, or null
 * @param noProxy the exceptions, comma-separated, or null
 */
public record ProxySettings(String httpsProxy, String httpProxy, String noProxy) {
    /** No proxy at all. */
    public static final ProxySettings NONE = new ProxySettings(null, null, null);

    /**
     * Checks both proxy URLs before anything is sent, so that a proxy that cannot be used is never
     * silently bypassed.
     *
     * @throws IllegalArgumentException naming {@code HTTPS_PROXY} or {@code HTTP_PROXY} (never
     *     quoting the URL, which may hold a password) when one is not {@code http://} (OkHttp
     *     cannot speak TLS to a proxy, and an {@code https://} proxy spoken to in plain HTTP would
     *     see its credentials in clear text; SOCKS is not supported), has no valid host or port
     *     (1 to 65535), or a user or password with an invalid percent-encoding
     */
    public ProxySettings {
        ProxyRoutes.checked("HTTPS_PROXY", httpsProxy);
        ProxyRoutes.checked("HTTP_PROXY", httpProxy);
    }

    /**
     * Reads the usual variables, upper case first, then lower case.
     *
     * @throws IllegalArgumentException naming the variable, when its proxy cannot be used (see
     *     {@link #ProxySettings})
     */
    public static ProxySettings fromEnvironment(Map<String, String> env) {
        return new ProxySettings(first(env, "HTTPS_PROXY", "https_proxy"), first(env, "HTTP_PROXY", "http_proxy"),
                first(env, "NO_PROXY", "no_proxy"));
    }

    private static String first(Map<String, String> env, String upper, String lower) {
        String name = env.get(upper) == null || env.get(upper).isBlank() ? lower : upper;
        String value = env.get(name);
        String url = value == null || value.isBlank() ? null : value.trim();
        if (!upper.equals("NO_PROXY")) {
            ProxyRoutes.checked(name, url);
        }
        return url;
    }

    /** The settings with the proxies' credentials left out. */
    @Override
    public String toString() {
        return "ProxySettings[httpsProxy=" + ProxyRoutes.withoutCredentials(httpsProxy) + ", httpProxy="
                + ProxyRoutes.withoutCredentials(httpProxy)
                + ", noProxy=" + noProxy + "]";
    }

}
