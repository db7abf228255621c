package dev.jreg;

import dev.jreg.model.Descriptor;
import dev.jreg.model.ImageConfig;
import dev.jreg.model.Platform;
import java.util.List;

/**
 * What {@code jreg inspect} shows about an image or index.
 *
 * @param name the location inspected
 * @param manifest the top manifest's descriptor (digest, media type, size)
 * @param platforms for an index, every child with its total size; empty for an image
 * @param image the image shown: the manifest itself, or the chosen platform of an index; null for
 *     an index when no platform was chosen
 */
public record ImageInfo(String name, Descriptor manifest, List<PlatformEntry> platforms, Image image) {
    /** Copies the list. */
    public ImageInfo {
        platforms = List.copyOf(platforms);
    }

    /**
     * One child of an index.
     *
     * @param descriptor the child's descriptor as the index lists it (with its platform)
     * @param size config plus compressed layers of that child, or -1 when it is not an image
     */
    public record PlatformEntry(Descriptor descriptor, long size) {
    }

    /**
     * One image.
     *
     * @param manifest its manifest's descriptor
     * @param platform the platform its config names
     * @param config the parsed config
     * @param configDescriptor the config blob's descriptor
     * @param layers the layers, base first
     */
    public record Image(Descriptor manifest, Platform platform, ImageConfig config, Descriptor configDescriptor,
            List<Descriptor> layers) {
        /** Copies the list. */
        public Image {
            layers = List.copyOf(layers);
        }

        /** Sum of the compressed layer sizes. */
        public long layersSize() {
            return layers.stream().mapToLong(Descriptor::size).sum();
        }
    }
}
