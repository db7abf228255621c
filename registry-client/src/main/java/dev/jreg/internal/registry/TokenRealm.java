package dev.jreg.internal.registry;

import dev.jreg.error.InvalidContentException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * Where a registry's Bearer challenge may send jreg for tokens. The realm is resolved against the
 * registry's URL (zot names {@code /token}), then refused when it would take the request — and
 * the credentials it carries — somewhere the registry has no business pointing at: plain HTTP
 * for an HTTPS registry, link-local and cloud metadata addresses, the unspecified address, or
 * loopback for a registry that is not on loopback itself (ggcr and regclient refuse these too).
 * Only literal addresses are judged, in every form the JDK or the C library would read as one;
 * names are never resolved to decide.
 */
final class TokenRealm {
    /**
     * Cloud metadata services: most clouds' (link-local, refused as such too, but named for what
     * it is), AWS's over IPv6 and Alibaba Cloud's, which are not link-local.
     */
    private static final Set<String> METADATA = Set.of("169.254.169.254", "fd00:ec2:0:0:0:0:0:254", "100.100.100.200");
    /**
     * One part of an {@code inet_aton} address, of at most 12 digits: hex ({@code 0x…}, where no
     * digits at all is 0), octal ({@code 0…}) or decimal.
     */
    private static final Pattern PART = Pattern.compile("0[xX]([0-9a-fA-F]{0,12})|0([0-7]{1,12})|(0|[1-9][0-9]{0,11})");

    private TokenRealm() {
    }

    /**
     * @param registry the registry's base URL
     * @param challenge a Bearer challenge
     * @return the realm as an absolute URL
     * @throws InvalidContentException when the challenge has no usable realm, or names one refused
     */
    static HttpUrl resolve(HttpUrl registry, Challenge challenge) throws InvalidContentException {
        HttpUrl realm = challenge.realm() == null ? null : registry.resolve(challenge.realm());
        if (realm == null) {
            throw new InvalidContentException("registry " + registry.host() + " sent a Bearer challenge without a valid realm");
        }
        check(registry, realm, "token realm ");
        return realm;
    }

    /**
     * Refuses a URL a token request may not go to, by the rules above: the realm itself, and
     * every place a token server redirects to, which the same rules bind.
     *
     * @param what how the message names the URL, e.g. {@code "token realm "}
     * @throws InvalidContentException when refused
     */
    static void check(HttpUrl registry, HttpUrl url, String what) throws InvalidContentException {
        String refused = registry.isHttps() && !url.isHttps() ? "plain HTTP for an HTTPS registry"
                : url.host().equals(registry.host()) ? null : refusedHost(url.host(), Loopback.isLoopback(registry.host()));
        if (refused != null) {
            throw new InvalidContentException("refusing " + what + Errors.redact(url) + " of registry "
                    + TokenClient.hostPort(registry) + ": " + refused);
        }
    }

    /** Why a realm host is refused, or null when it may be asked. */
    private static String refusedHost(String host, boolean loopbackRegistry) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        InetAddress address = literal(name);
        if (address == null) {
            // RFC 6761: every name under localhost is loopback.
            return (name.equals("localhost") || name.endsWith(".localhost")) && !loopbackRegistry
                    ? "a loopback name for a registry that is not on loopback" : null;
        }
        if (METADATA.contains(address.getHostAddress())) {
            return "a cloud metadata address";
        }
        if (address.isAnyLocalAddress() || address instanceof Inet4Address && address.getAddress()[0] == 0) {
            return "an unspecified address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (address.isLoopbackAddress() && !loopbackRegistry) {
            return "a loopback address for a registry that is not on loopback";
        }
        return null;
    }

    /**
     * The address a host written as one stands for: an IPv6 literal (IPv4-mapped and
     * IPv4-compatible ones as their IPv4 address), or an IPv4 address in any form
     * {@code inet_aton} reads — one to four parts, each decimal, octal ({@code 0…}) or hex
     * ({@code 0x…}) — since a name the JDK does not take as a literal goes to the C library,
     * which does. Null for a name.
     */
    static InetAddress literal(String host) {
        try {
            if (host.contains(":")) {
                InetAddress address = InetAddress.getByName(host); // a literal: never looked up
                // ::1 and :: have the shape of IPv4-compatible addresses but are IPv6's loopback
                // and unspecified addresses (RFC 4291, 2.5.5.1).
                return address instanceof Inet6Address v6 && v6.isIPv4CompatibleAddress() && !v6.isLoopbackAddress()
                        && !v6.isAnyLocalAddress()
                        ? InetAddress.getByAddress(Arrays.copyOfRange(v6.getAddress(), 12, 16)) : address;
            }
            byte[] ipv4 = inetAton(host);
            return ipv4 == null ? null : InetAddress.getByAddress(ipv4);
        } catch (UnknownHostException notALiteral) {
            return null;
        }
    }

    private static byte[] inetAton(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long address = 0;
        for (int i = 0; i < parts.length; i++) {
            long value = number(parts[i]);
            // Every part is one byte but the last, which fills the bytes left.
            int bits = i < parts.length - 1 ? 8 : 32 - 8 * (parts.length - 1);
            if (value < 0 || value >= 1L << bits) {
                return null;
            }
            address |= value << (i < parts.length - 1 ? 24 - 8 * i : 0);
        }
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    /** One part of an {@code inet_aton} address, or -1 when it is not a number. */
    private static long number(String part) {
        Matcher number = PART.matcher(part);
        if (!number.matches()) {
            return -1;
        }
        String hex = number.group(1);
        return hex != null ? (hex.isEmpty() ? 0 : Long.parseLong(hex, 16))
                : number.group(2) != null ? Long.parseLong(number.group(2), 8) : Long.parseLong(number.group(3));
    }
}
