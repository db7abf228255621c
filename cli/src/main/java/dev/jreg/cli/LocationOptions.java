package dev.jreg.cli;

import dev.jreg.ImageLocation;
import dev.jreg.model.Reference;
import picocli.CommandLine.Option;

/** {@code --local}: read a name from the local store instead of its registry. */
final class LocationOptions {
    @Option(names = "--local", description = "Read the image from the local store instead of the registry.")
    private boolean local;

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
