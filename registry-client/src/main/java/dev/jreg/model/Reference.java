package dev.jreg.model;

import dev.jreg.error.InvalidReferenceException;
import java.util.Locale;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An image reference normalised as docker does: {@code nginx} is
 * {@code docker.io/library/nginx:latest}. A reference may carry a tag and a digest together; the
 * digest then decides what is fetched.
 *
 * @param registry the registry as named by users, e.g. {@code docker.io} or {@code localhost:5000}
 * @param repository the repository path, e.g. {@code library/nginx}
 * @param tag the tag, or null when only a digest was given
 * @param digest the digest, or null
 */
public record Reference(String registry, String repository, String tag, Digest digest) {
    /** The registry name docker users write. */
    public static final String DOCKER_HUB = "docker.io";
    /** The host that serves Docker Hub's registry API. */
    public static final String DOCKER_HUB_API = "registry-1.docker.io";
    private static final String LEGACY_DOCKER_HUB = "index.docker.io";
    private static final String OFFICIAL_PREFIX = "library/";
    /** distribution's {@code RepositoryNameTotalLengthMax}: the repository path, without the registry host. */
    private static final int NAME_MAX = 255;

    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern HEX64 = Pattern.compile("[a-f0-9]{64}");
    /** A digest or image ID, or the start of one: what docker would read as repository {@code sha256}. */
    private static final Pattern SHA256_HEX = Pattern.compile("sha256:[a-f0-9]+");

    /**
     * Checks the parts and normalises Docker Hub's, for {@link #parse} too ({@code index.docker.io}
     * is {@code docker.io}; a one-component repository there is under {@code library/}), so that
     * equal images are equal references; {@link #parse} gives better messages for user input.
     */
    public Reference {
        if (registry == null || repository == null) {
            throw new InvalidReferenceException("invalid reference: registry and repository are required");
        }
        registry = registry.equals(LEGACY_DOCKER_HUB) ? DOCKER_HUB : registry;
        // Docker Hub's official images live under library/: nginx is library/nginx.
        if (registry.equals(DOCKER_HUB) && repository.indexOf('/') < 0) {
            repository = OFFICIAL_PREFIX + repository;
        }
        if (tag == null && digest == null) {
            throw new InvalidReferenceException("invalid reference: a tag or a digest is required");
        }
    }

    /**
     * Parses a reference the way {@code docker pull} does, but for {@code sha256:HEX}, which docker
     * would read as repository {@code sha256}: an image ID or digest is refused, as 64 hex digits are.
     *
     * @throws InvalidReferenceException naming what is wrong
     */
    public static Reference parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidReferenceException("invalid reference format: empty reference");
        }
        if (HEX64.matcher(text).matches()) {
            throw new InvalidReferenceException("invalid repository name (" + text
                    + "), cannot specify 64-byte hexadecimal strings");
        }
        if (SHA256_HEX.matcher(text).matches()) {
            // Never docker.io/library/sha256: an image ID names an image of the local store only.
            throw new InvalidReferenceException("invalid reference format: " + text
                    + " is an image ID or digest, not a name");
        }
        if (text.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new InvalidReferenceException("invalid reference format: \"" + printable(text)
                    + "\" contains whitespace or control characters");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.parse(rest.substring(at + 1));
            } catch (IllegalArgumentException e) {
                throw new InvalidReferenceException("invalid reference format: " + e.getMessage() + " in \"" + text
                        + "\"");
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new InvalidReferenceException("invalid reference format: invalid tag \"" + tag + "\" in \"" + text
                        + "\" (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-')");
            }
        }
        if (rest.isEmpty()) {
            throw new InvalidReferenceException("invalid reference format: missing repository name in \"" + text + "\"");
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash >= 0 && looksLikeHost(rest.substring(0, slash))) {
            registry = rest.substring(0, slash);
            rest = rest.substring(slash + 1);
            if (!DOMAIN.matcher(registry).matches()) {
                throw new InvalidReferenceException("invalid reference format: invalid registry host \"" + registry
                        + "\" in \"" + text + "\"");
            }
        }
        Reference reference = new Reference(registry, rest, tag == null && digest == null ? "latest" : tag, digest);
        String path = reference.repository;
        checkPath(path, text);
        // distribution counts the normalised path only (library/ included), never the host.
        if (path.length() > NAME_MAX) {
            throw new InvalidReferenceException("invalid reference format: repository name of \"" + printable(text)
                    + "\" must not be more than " + NAME_MAX + " characters (it has " + path.length() + ")");
        }
        return reference;
    }

    /**
     * Whether text is a tag in distribution's grammar, {@code [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}}.
     */
    public static boolean isTag(String text) {
        return text != null && TAG.matcher(text).matches();
    }

    /**
     * Whether text is a repository path in distribution's grammar (without the registry host):
     * lowercase components such as {@code team/app} joined by {@code /}, at most 255 characters.
     */
    public static boolean isRepositoryPath(String text) {
        return text != null && text.length() <= NAME_MAX
                && Arrays.stream(text.split("/", -1)).allMatch(c -> PATH_COMPONENT.matcher(c).matches());
    }

    /** Parses like {@link #parse}, or gives empty for null or malformed text. */
    public static Optional<Reference> tryParse(String text) {
        try {
            return Optional.of(parse(text));
        } catch (InvalidReferenceException e) {
            return Optional.empty();
        }
    }

    /** docker's rule for the first component of a name: a host when it has a dot, a port or capitals, or is localhost. */
    private static boolean looksLikeHost(String first) {
        return first.contains(".") || first.contains(":") || first.equals("localhost")
                || !first.equals(first.toLowerCase(Locale.ROOT));
    }

    private static void checkPath(String path, String text) {
        for (String component : path.split("/", -1)) {
            if (component.isEmpty()) {
                throw new InvalidReferenceException("invalid reference format: empty path component in \"" + text + "\"");
            }
            if (!PATH_COMPONENT.matcher(component).matches()) {
                if (PATH_COMPONENT.matcher(component.toLowerCase(Locale.ROOT)).matches()) {
                    throw new InvalidReferenceException("invalid reference format: repository name (" + path
                            + ") must be lowercase");
                }
                throw new InvalidReferenceException("invalid reference format: invalid repository path component \""
                        + component + "\" in \"" + text + "\" (lowercase letters, digits and single separators . _ __ -)");
            }
        }
    }

    private static String printable(String text) {
        return text.codePoints().limit(100)
                .mapToObj(c -> Character.isISOControl(c) ? String.format("\\u%04x", c) : Character.toString(c))
                .collect(Collectors.joining());
    }

    /** The host:port that serves this registry's API ({@code registry-1.docker.io} for Docker Hub). */
    public String apiHost() {
        return apiHostOf(registry);
    }

    /** The API host of a registry named as in references. */
    public static String apiHostOf(String registry) {
        return registry.equals(DOCKER_HUB) || registry.equals(LEGACY_DOCKER_HUB) ? DOCKER_HUB_API : registry;
    }

    /** {@code registry/repository} without tag or digest. */
    public String name() {
        return registry + "/" + repository;
    }

    /** What the registry API is asked for: the digest when present, else the tag. */
    public String tagOrDigest() {
        return digest != null ? digest.toString() : tag;
    }

    /** The same repository at another tag (the digest is dropped). */
    public Reference withTag(String newTag) {
        return parse(name() + ":" + newTag);
    }

    /** The same repository at a tag, or at a digest ({@code ALGORITHM:HEX}) with this tag kept. */
    public Reference at(String tagOrDigest) {
        return tagOrDigest.contains(":") ? withDigest(Digest.parse(tagOrDigest)) : withTag(tagOrDigest);
    }

    /** The same repository at a digest (the tag is kept for display). */
    public Reference withDigest(Digest newDigest) {
        return new Reference(registry, repository, tag, newDigest);
    }

    /** The short form docker prints: {@code nginx:1.24.0} for {@code docker.io/library/nginx:1.24.0}. */
    public String familiar() {
        return familiarName() + suffix();
    }

    /**
     * The short repository name, which {@link #parse} reads back to this repository: {@code nginx},
     * {@code user/app}, {@code localhost:5000/app}. {@code library/} goes only before a single
     * path component, as docker does: {@code docker.io/library/foo/bar} is {@code library/foo/bar},
     * since {@code foo/bar} is {@code docker.io/foo/bar}, another repository. A Docker Hub path
     * whose first component reads as a host keeps {@code docker.io/} ({@code docker.io/my.org/app}).
     */
    public String familiarName() {
        if (!registry.equals(DOCKER_HUB)) {
            return name();
        }
        if (repository.startsWith(OFFICIAL_PREFIX) && repository.indexOf('/', OFFICIAL_PREFIX.length()) < 0) {
            return repository.substring(OFFICIAL_PREFIX.length());
        }
        return looksLikeHost(repository.substring(0, repository.indexOf('/'))) ? name() : repository;
    }

    private String suffix() {
        return (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    /** The full normalised form, e.g. {@code docker.io/library/nginx:1.24.0}. */
    @Override
    public String toString() {
        return name() + suffix();
    }
}
