package dev.jreg;

import dev.jreg.error.InvalidReferenceException;
import dev.jreg.model.Reference;
import java.net.URI;

/**
 * A registry mirror: {@code host[:port][/path]}, optionally with a scheme. {@code http://} marks
 * the mirror as one that may be reached over plain HTTP. A path prefix serves registries that
 * proxy under a project ({@code harbor.example/dockerhub}).
 *
 * @param registry the mirror's {@code host[:port]}
 * @param pathPrefix repository prefix on the mirror, or empty
 * @param plainHttp true when the mirror was given as {@code http://}
 */
public record Mirror(String registry, String pathPrefix, boolean plainHttp) {
    /** Parses a mirror as written in configs and flags. */
    public static Mirror parse(String text) {
        String value = text.trim();
        boolean http = value.startsWith("http://");
        if (!value.contains("://")) {
            value = "https://" + value;
        }
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidReferenceException("invalid registry mirror \"" + text + "\"");
        }
        if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new InvalidReferenceException("invalid registry mirror \"" + text + "\": expected [http[s]://]HOST[:PORT][/PATH]");
        }
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        String registry = host + (uri.getPort() != -1 ? ":" + uri.getPort() : "");
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
        return new Mirror(registry, path, http);
    }

    /** Where this mirror keeps the image the reference names. */
    public Reference map(Reference reference) {
        String repository = pathPrefix.isEmpty() ? reference.repository() : pathPrefix + "/" + reference.repository();
        return new Reference(registry, repository, reference.tag(), reference.digest());
    }

    @Override
    public String toString() {
        return (plainHttp ? "http://" : "") + registry + (pathPrefix.isEmpty() ? "" : "/" + pathPrefix);
    }
}
