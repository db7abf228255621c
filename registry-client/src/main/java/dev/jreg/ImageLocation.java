package dev.jreg;

import dev.jreg.error.InvalidReferenceException;
import dev.jreg.model.Reference;
import java.nio.file.Path;

/**
 * Where an image lives, as named on the command line: a registry ({@code nginx:1.24.0},
 * {@code docker://nginx}), the local store ({@code local:nginx:1.24.0}) or an OCI layout
 * directory ({@code oci:DIR[:NAME]}).
 */
public sealed interface ImageLocation {
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
        public String shortName() {
            return reference.tag() != null ? reference.tag() : reference.digest().toString();
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
        public String shortName() {
            return reference.tag() != null ? reference.tag() : reference.digest().toString();
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
     * An image in an OCI layout directory, named by the {@code org.opencontainers.image.ref.name}
     * annotation.
     *
     * @param directory the layout
     * @param name the name, or null when not given
     */
    record Layout(Path directory, String name) implements ImageLocation {
        @Override
        public ImageLocation withTag(String tag) {
            return new Layout(directory, tag);
        }

        @Override
        public String shortName() {
            return name;
        }

        @Override
        public String repositoryName() {
            return "oci:" + directory;
        }

        @Override
        public String toString() {
            return "oci:" + directory + (name != null ? ":" + name : "");
        }
    }

    /** The same place with another tag (for a layout: another name). */
    ImageLocation withTag(String tag);

    /** The name a copy into a layout takes when none is given: the tag, digest or layout name. */
    String shortName();

    /**
     * The repository without tag or digest, as written here ({@code localhost:5000/app},
     * {@code local:docker.io/library/nginx}); for a layout, the layout ({@code oci:DIR}).
     */
    String repositoryName();

    /**
     * Parses a location.
     *
     * @throws InvalidReferenceException for malformed input
     */
    static ImageLocation parse(String text) {
        if (text.startsWith("oci:")) {
            String rest = text.substring(4);
            // Like skopeo: the first colon ends the directory, so directories cannot contain one.
            int colon = rest.indexOf(':');
            String dir = colon < 0 ? rest : rest.substring(0, colon);
            String name = colon < 0 || colon == rest.length() - 1 ? null : rest.substring(colon + 1);
            if (dir.isEmpty()) {
                throw new InvalidReferenceException("invalid location \"" + text + "\": expected oci:DIRECTORY[:NAME]");
            }
            return new Layout(Path.of(dir), name);
        }
        if (text.startsWith("local:")) {
            return new Local(Reference.parse(text.substring(6)));
        }
        if (text.startsWith("docker://")) {
            return new Registry(Reference.parse(text.substring(9)));
        }
        return new Registry(Reference.parse(text));
    }
}
