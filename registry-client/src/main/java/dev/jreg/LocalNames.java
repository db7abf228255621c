package dev.jreg;

import dev.jreg.error.ImageNotFoundException;
import dev.jreg.error.InvalidReferenceException;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How a local image is named on the command line, docker's way: a name ({@code nginx} is
 * {@code nginx:latest}), {@code NAME@DIGEST}, a manifest digest, or an image ID — full, with
 * {@code sha256:}, or a unique prefix of its hex.
 *
 * <p>An image's ID is docker's: the config digest of an image manifest; for an index stored
 * whole, the index digest (as docker with the containerd store has it).
 */
final class LocalNames {
    /** What {@code docker images -q} prints and what may abbreviate it. */
    private static final Pattern ID_PREFIX = Pattern.compile("(sha256:)?[0-9a-f]{1,64}");

    /** The store's names with their image IDs, in store order; read once. */
    private final Map<Descriptor, Digest> ids = new LinkedHashMap<>();

    LocalNames(OciLayout store) throws IOException {
        store.names().stream().filter(entry -> entry.annotations().get(Descriptor.REF_NAME) != null)
                .forEach(entry -> ids.put(entry, imageId(store, entry)));
    }

    /**
     * The image ID of a stored name: the config digest of an image, the digest of an index (or
     * of a manifest that cannot be read).
     */
    static Digest imageId(OciLayout store, Descriptor entry) {
        try {
            if (!entry.mediaType().isIndex() && store.readManifest(entry).manifest() instanceof ImageManifest image) {
                return image.config().digest();
            }
        } catch (IOException unreadable) {
            // Known by its own digest, as an index is.
        }
        return entry.digest();
    }

    /**
     * The names this text selects: a name, every name of {@code NAME@DIGEST} in that repository,
     * every name of a digest or image ID.
     *
     * @throws ImageNotFoundException when nothing matches; it names what was looked for and the
     *     tags the repository has
     * @throws InvalidReferenceException for an ID prefix that more than one image has
     */
    List<Descriptor> select(String text) throws ImageNotFoundException {
        String hex = text.startsWith("sha256:") ? text.substring(7) : text;
        boolean idLike = ID_PREFIX.matcher(text).matches();
        Optional<Reference> name = Optional.empty();
        List<Descriptor> matches;
        if (idLike && hex.length() < 64) {
            // A name first, as docker looks: a repository may be called like a short ID.
            name = text.startsWith("sha256:") ? Optional.empty() : Reference.tryParse(text);
            List<Descriptor> named = name.map(this::byName).orElse(List.of());
            matches = !named.isEmpty() ? named : byId(hex);
        } else if (idLike || text.startsWith("sha512:")) {
            Digest digest = idLike ? new Digest("sha256", hex) : Digest.parse(text);
            matches = ids.keySet().stream().filter(d -> hasDigest(d, digest)).toList();
        } else {
            name = Optional.of(Reference.parse(text));
            matches = byName(name.get());
        }
        if (matches.isEmpty()) {
            throw name.isPresent() ? notFound(name.get()) : notFound(text, List.of());
        }
        return matches;
    }

    private List<Descriptor> byName(Reference reference) {
        if (reference.digest() == null) {
            String full = reference.name() + ":" + reference.tag();
            return ids.keySet().stream().filter(d -> full.equals(d.annotations().get(Descriptor.REF_NAME))).toList();
        }
        return ids.keySet().stream().filter(d -> hasDigest(d, reference.digest()) && referenceOf(d)
                .map(r -> r.name().equals(reference.name())).orElse(false)).toList();
    }

    /** The image IDs this prefix begins: none, or the names of one image. */
    private List<Descriptor> byId(String hexPrefix) {
        List<Descriptor> matches = ids.keySet().stream().filter(d -> ids.get(d).hex().startsWith(hexPrefix)).toList();
        Set<Digest> candidates = matches.stream().map(ids::get).collect(Collectors.toCollection(LinkedHashSet::new));
        if (candidates.size() > 1) {
            throw new InvalidReferenceException("image ID " + hexPrefix + " is ambiguous: it begins "
                    + candidates.stream().map(Digest::shortHex).collect(Collectors.joining(", "))
                    + "; give more of it");
        }
        return matches;
    }

    /** A manifest digest, the digest the name was pulled by ({@link OciLayout#REPO_DIGEST}) or the image ID. */
    private boolean hasDigest(Descriptor entry, Digest digest) {
        return entry.digest().equals(digest) || digest.equals(ids.get(entry))
                || digest.toString().equals(entry.annotations().get(OciLayout.REPO_DIGEST));
    }

    /** The image ID of a selected name. */
    Digest idOf(Descriptor entry) {
        return ids.get(entry);
    }

    /** The reference a stored name is; empty for none, or for a name another tool wrote that is not one. */
    static Optional<Reference> referenceOf(Descriptor entry) {
        return Reference.tryParse(entry.annotations().get(Descriptor.REF_NAME));
    }

    /** The repository's tags stored here ({@code nginx:1.24.0, nginx:1.25}), in store order. */
    private List<String> storedTags(Reference reference) {
        return ids.keySet().stream()
                .flatMap(d -> referenceOf(d).stream())
                .filter(r -> r.name().equals(reference.name()) && r.tag() != null)
                .map(Reference::familiar)
                .toList();
    }

    /** Names what was looked for, {@code :latest} filled in, and the tags the repository has here. */
    private ImageNotFoundException notFound(Reference reference) {
        String looked = reference.digest() == null ? reference.familiarName() + ":" + reference.tag() : reference.familiar();
        return notFound(looked, storedTags(reference));
    }

    /** {@code no such image in the local store: nginx:latest (stored: nginx:1.24.0, nginx:1.25)}. */
    private static ImageNotFoundException notFound(String looked, List<String> stored) {
        return new ImageNotFoundException("no such image in the local store: " + looked
                + (stored.isEmpty() ? "" : " (stored: " + String.join(", ", stored) + ")"), looked, stored);
    }
}
