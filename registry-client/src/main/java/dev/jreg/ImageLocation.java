package dev.jreg;

import dev.jreg.error.InvalidReferenceException;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where an image lives, as named on the command line: a registry ({@code nginx:1.24.0},
 * {@code docker://nginx}), the local store ({@code local:nginx:1.24.0}, or by digest or image ID:
 * {@code sha256:HEX}, {@code local:HEX}) or an OCI layout directory ({@code oci:DIR},
 * {@code oci:DIR:NAME}, {@code oci:DIR:@INDEX}).
 */
public sealed interface ImageLocation {
    /** {@link #isImageId}'s forms. */
    Pattern IMAGE_ID = Pattern.compile("sha256:[0-9a-f]{1,64}|[0-9a-f]{12,64}");
    /**
     * An image in a registry.
     *
     * @param reference the image
     */
    record Registry(Reference reference) implements ImageLocation {
        @Override
        public ImageLocation withTag(String tag) {
            return new Registry(reference.withTag(tag));
        }

        @Override
        public String repositoryName() {
            return reference.name();
        }

        @Override
        public String toString() {
            return reference.toString();
        }
    }

    /**
     * An image in jreg's local store.
     *
     * @param reference its name there
     */
    record Local(Reference reference) implements ImageLocation {
        @Override
        public ImageLocation withTag(String tag) {
            return new Local(reference.withTag(tag));
        }

        @Override
        public String repositoryName() {
            return "local:" + reference.name();
        }

        @Override
        public String toString() {
            return "local:" + reference;
        }
    }

    /**
     * An image of jreg's local store given by digest, as an image without a name (docker's dangling
     * image) is given: the digest of its manifest or index, or its image ID (the config digest).
     *
     * @param digest the digest
     */
    record LocalDigest(Digest digest) implements ImageLocation {
        /** Refused: an image given by digest is in no repository, so it has no tags. */
        @Override
        public ImageLocation withTag(String tag) {
            throw new InvalidReferenceException(this + " is an image of the local store given by digest;"
                    + " it has no tags");
        }

        @Override
        public String repositoryName() {
            return toString();
        }

        @Override
        public String toString() {
            return "local:" + digest;
        }
    }

    /**
     * An image in an OCI layout directory, as skopeo's {@code oci:} transport addresses one: by the
     * {@value dev.jreg.model.Descriptor#REF_NAME} annotation of its entry in {@code index.json}, by
     * the entry's position there ({@code @N}, from 0), or — with neither — the layout's only image.
     * As a destination, a layout given no name gets an entry without one, as skopeo writes it.
     *
     * @param directory the layout
     * @param name the name (any text: {@code 1.0}, {@code reg.example/a:1}, {@code a@b}), or null
     * @param index the position of the entry in {@code index.json}, from 0, or null; never with a name
     */
    record Layout(Path directory, String name, Integer index) implements ImageLocation {
        /** The grammar of {@link #isWritableName}. */
        private static final java.util.regex.Pattern REF_NAME = java.util.regex.Pattern.compile(
                "[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*");

        /**
         * Whether jreg writes an image into a layout under this name: the grammar the OCI image
         * layout gives {@code org.opencontainers.image.ref.name}, which skopeo and umoci hold
         * names to. Any name is read.
         */
        public static boolean isWritableName(String name) {
            return REF_NAME.matcher(name).matches();
        }

        /** Checks that at most one of name and index is given, and that the index is not negative. */
        public Layout {
            if (name != null && index != null) {
                throw new InvalidReferenceException("an oci: location takes a name or an @INDEX, not both");
            }
            if (index != null && index < 0) {
                throw new InvalidReferenceException("invalid oci: location: @" + index + " is negative");
            }
        }

        /** A layout's image by name, or its only image when {@code name} is null. */
        public Layout(Path directory, String name) {
            this(directory, name, null);
        }

        @Override
        public ImageLocation withTag(String tag) {
            return new Layout(directory, tag);
        }

        @Override
        public String repositoryName() {
            return "oci:" + directory;
        }

        @Override
        public String toString() {
            return "oci:" + directory + (name != null ? ":" + name : index != null ? ":@" + index : "");
        }
    }

    /** The same place with another tag (for a layout: another name). */
    ImageLocation withTag(String tag);

    /**
     * The repository without tag or digest, as written here ({@code localhost:5000/app},
     * {@code local:docker.io/library/nginx}); for a layout, the layout ({@code oci:DIR}).
     */
    String repositoryName();

    /**
     * Whether text is an image ID, or the start of one, that is never read as a name, so never
     * looked for in a registry: {@code sha256:} and 1 to 64 hex digits (docker would read repository
     * {@code sha256}), or 12 to 64 hex digits, as long as {@code docker images -q} prints them or
     * longer (64 digits docker refuses as a name). Shorter hex digits are a name unless they begin
     * an image ID of the store.
     */
    static boolean isImageId(String text) {
        return IMAGE_ID.matcher(text).matches();
    }

    /**
     * Parses a location: a digest or image ID in full ({@code sha256:HEX}, or the 64 hex digits
     * alone), with or without {@code local:}, is the local store's image by digest, never a
     * registry's.
     *
     * @throws InvalidReferenceException for malformed input, and for the start of an image ID with
     *     {@code sha256:}, which only the store can complete
     */
    static ImageLocation parse(String text) {
        if (text.startsWith("oci:")) {
            return layout(text);
        }
        String stored = text.startsWith("local:") ? text.substring(6) : text;
        if (isImageId(stored) && stored.length() == (stored.startsWith("sha256:") ? 71 : 64)) {
            return new LocalDigest(new Digest("sha256", stored.substring(stored.length() - 64)));
        }
        if (text.startsWith("local:")) {
            return new Local(Reference.parse(stored));
        }
        return new Registry(Reference.parse(text.startsWith("docker://") ? text.substring(9) : text));
    }

    /**
     * {@code oci:DIR[:NAME|:@INDEX]}. As skopeo reads it, the first colon ends the directory (so a
     * directory cannot hold one) and everything after it is the name, colons and slashes included.
     */
    private static Layout layout(String text) {
        String rest = text.substring(4);
        int colon = rest.indexOf(':');
        String dir = colon < 0 ? rest : rest.substring(0, colon);
        String name = colon < 0 || colon == rest.length() - 1 ? null : rest.substring(colon + 1);
        if (dir.isEmpty()) {
            throw new InvalidReferenceException("invalid location \"" + text + "\": expected oci:DIRECTORY[:NAME]");
        }
        if (dir.endsWith("@sha256") || dir.endsWith("@sha512")) {
            // skopeo has no oci:DIR@DIGEST either; it would read "sha256" as part of the directory.
            throw new InvalidReferenceException("invalid location \"" + text + "\": an oci: location names an image"
                    + " as oci:DIRECTORY:NAME or oci:DIRECTORY:@INDEX, not by digest");
        }
        if (name != null && name.startsWith("@")) {
            String digits = name.substring(1);
            if (!digits.matches("[0-9]{1,9}")) {
                throw new InvalidReferenceException("invalid location \"" + text + "\": @" + digits
                        + " is not an index; expected oci:DIRECTORY:@N, N from 0");
            }
            return new Layout(Path.of(dir), null, Integer.parseInt(digits));
        }
        return new Layout(Path.of(dir), name);
    }
}
