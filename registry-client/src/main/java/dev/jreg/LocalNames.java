package dev.jreg;

import dev.jreg.error.ImageNotFoundException;
import dev.jreg.error.InvalidContentException;
import dev.jreg.error.InvalidReferenceException;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.nio.file.Files;
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

    private final OciLayout store;
    /** The store's entries, named or not (loaded without a name), with their image IDs, in store order; read once. */
    private final Map<Descriptor, Digest> ids = new LinkedHashMap<>();

    /**
     * An image an archive is to hold, and the name it is saved under.
     *
     * @param entry the store's entry
     * @param name its name, or null to save it without one
     */
    record Selected(Descriptor entry, Reference name) {
    }

    LocalNames(OciLayout store) throws IOException {
        this.store = store;
        store.names().forEach(entry -> ids.put(entry, imageId(store, entry)));
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
            // An image ID is no name: no ":latest" added to it, no tags of a repository listed.
            throw name.isPresent() && !ImageLocation.isImageId(text) ? notFound(name.get()) : notFound(text, List.of());
        }
        return matches;
    }

    /**
     * The first entry {@link #select} gives, or a manifest only an index holds (one platform's,
     * which has no entry of its own) given by digest or {@code NAME@DIGEST}.
     *
     * @throws ImageNotFoundException when nothing matches
     * @throws InvalidReferenceException for an ID prefix that more than one image has
     */
    Descriptor first(String text) throws IOException {
        try {
            return select(text).get(0);
        } catch (ImageNotFoundException notNamed) {
            Digest digest;
            try {
                digest = text.startsWith("sha256:") || text.startsWith("sha512:") ? Digest.parse(text)
                        : Reference.parse(text).digest();
            } catch (IllegalArgumentException notADigest) {
                // Not a reference, or the prefix of a digest (sha256:0123abcd), which names no blob.
                throw notNamed;
            }
            try {
                if (digest != null && Files.isRegularFile(store.blobPath(digest))) {
                    return store.readManifest(digest).descriptor();
                }
            } catch (InvalidContentException notAManifest) {
                // A blob that is not a manifest is not an image either.
            }
            throw notNamed;
        }
    }

    /**
     * The images this text selects for an archive, as {@code docker save} takes them: a repository
     * alone ({@code nginx}) is every tag of it the store has, else as {@link #select} reads it; a
     * name with a tag is saved under it, and an image given by digest, {@code NAME@DIGEST} or image
     * ID without a name.
     *
     * @throws ImageNotFoundException when nothing matches
     * @throws InvalidReferenceException for an ID prefix that more than one image has
     */
    List<Selected> forArchive(String text) throws ImageNotFoundException {
        Optional<Reference> name = text.startsWith("sha256:") ? Optional.empty() : Reference.tryParse(text);
        boolean repositoryAlone = !text.contains("@") && !text.substring(text.lastIndexOf('/') + 1).contains(":");
        if (name.isPresent() && repositoryAlone) {
            List<Selected> tags = ids.keySet().stream().flatMap(entry -> referenceOf(entry)
                    .filter(r -> r.name().equals(name.get().name()) && r.tag() != null && r.digest() == null)
                    .map(r -> new Selected(entry, r)).stream()).toList();
            if (!tags.isEmpty()) {
                return tags;
            }
        }
        String given = name.filter(r -> r.digest() == null).map(Reference::toString).orElse(null);
        return select(text).stream().map(entry -> new Selected(entry, given != null
                && given.equals(entry.annotations().get(Descriptor.REF_NAME)) ? referenceOf(entry).orElseThrow() : null))
                .toList();
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
