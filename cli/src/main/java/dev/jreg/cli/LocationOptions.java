package dev.jreg.cli;

import dev.jreg.ImageLocation;
import dev.jreg.Jreg;
import java.io.IOException;

/** {@code --local}: read a name from the local store instead of its registry. */
final class LocationOptions {
    private boolean local;

    void declare(CommandModel command) {
        command.flag("--local", "Read the image from the local store instead of the registry.", v -> local = v);
    }

    /** The location the text names, in the store with {@code --local}. */
    ImageLocation parse(String text) {
        ImageLocation location = ImageLocation.parse(text);
        return local && location instanceof ImageLocation.Registry registry
                ? new ImageLocation.Local(registry.reference()) : location;
    }

    /**
     * The image the text names, in the store with {@code --local}; a name in the store may be
     * given by image ID or digest, as {@link #image} reads it.
     */
    ImageLocation parseImage(Jreg jreg, String text) throws IOException {
        boolean bare = !text.startsWith("local:") && !text.startsWith("oci:") && !text.startsWith("docker://");
        return local && bare ? jreg.localImage(text) : image(jreg, text);
    }

    /**
     * A location as {@link ImageLocation#parse} reads it, but {@code local:} followed by an image
     * ID or digest (or a unique prefix of an ID) stands for that image's name in the store, or for
     * the image by digest when it has none.
     */
    static ImageLocation image(Jreg jreg, String text) throws IOException {
        return text.startsWith("local:") ? jreg.localImage(text.substring(6)) : ImageLocation.parse(text);
    }

    /**
     * An image the local store or a layout holds, as {@code unpack}, {@code commit}, {@code export}
     * and {@code squash} name one: {@code oci:DIR[:NAME|:@N]} is a layout's, {@code docker://NAME}
     * a registry's (which the library refuses where it reads only stored images), anything else a
     * name, image ID or digest in the store, with or without {@code local:}.
     */
    static ImageLocation stored(Jreg jreg, String text) throws IOException {
        if (text.startsWith("oci:") || text.startsWith("docker://")) {
            return ImageLocation.parse(text);
        }
        return jreg.localImage(text.startsWith("local:") ? text.substring(6) : text);
    }
}
