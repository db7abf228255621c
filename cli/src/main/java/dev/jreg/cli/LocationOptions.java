package dev.jreg.cli;

import dev.jreg.ImageLocation;
import dev.jreg.model.Reference;

/** {@code --local}: read a name from the local store instead of its registry. */
final class LocationOptions {
    private boolean local;

    void declare(CommandModel command) {
        command.flag("--local", "Read the image from the local store instead of the registry.", v -> local = v);
    }

    /** The location the text names, in the store with {@code --local}. */
    ImageLocation parse(String text) {
        ImageLocation location = ImageLocation.parse(text);
        if (local && location instanceof ImageLocation.Registry registry) {
            return new ImageLocation.Local(registry.reference());
        }
        return location;
    }

    /** The reference of a registry location; other locations are refused. */
    static Reference registryReference(ImageLocation location, String command) {
        if (location instanceof ImageLocation.Registry registry) {
            return registry.reference();
        }
        throw new IllegalArgumentException(command + " works on registries only, not " + location);
    }
}
