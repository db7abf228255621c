package dev.jreg;

import dev.jreg.model.Descriptor;
import dev.jreg.model.ImageConfig;
import dev.jreg.model.Platform;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What {@code jreg inspect} shows about an image or index.
 *
 * @param name the location inspected
 * @param manifest the top manifest's descriptor (digest, media type, size)
 * @param platforms for an index, every child but the attestations, with its total size; empty
 *     for an image
 * @param attestations for an index, its attestation manifests (BuildKit's provenance and SBOMs),
 *     which run on no platform; empty for an image
 * @param image the image shown: the manifest itself, or the chosen platform of an index; null for
 *     an index when no platform was chosen
 */
public record ImageInfo(String name, Descriptor manifest, List<PlatformEntry> platforms, List<Attestation> attestations,
        Image image) {
    /** Copies the lists. */
    public ImageInfo {
        platforms = List.copyOf(platforms);
        attestations = List.copyOf(attestations);
    }

    /**
     * One image or artifact of an index.
     *
     * @param descriptor the child's descriptor as the index lists it
     * @param platform its platform: the index's, else the one its config names; null for an
     *     artifact or nested index
     * @param artifactType for an artifact, its type (see {@link dev.jreg.model.ImageManifest#effectiveArtifactType});
     *     else null
     * @param size config plus compressed layers of that child in bytes, or -1 for a nested index
     */
    public record PlatformEntry(Descriptor descriptor, Platform platform, String artifactType, long size) {
    }

    /**
     * One attestation manifest of an index.
     *
     * @param descriptor its descriptor as the index lists it
     * @param subject the digest of the image it describes ({@code vnd.docker.reference.digest}),
     *     or null when the index does not say
     * @param size config plus compressed layers in bytes, or -1 when it is not an image manifest
     */
    public record Attestation(Descriptor descriptor, String subject, long size) {
    }

    /**
     * One image or artifact.
     *
     * @param manifest its manifest's descriptor
     * @param platform the platform its config names, or null (an artifact, a config without one)
     * @param artifactType for an artifact, its type; null for a container image
     * @param config the parsed config; for an artifact only its creation time, from the manifest's
     *     annotations
     * @param configDescriptor the config blob's descriptor
     * @param layers the layers, base first
     */
    public record Image(Descriptor manifest, Platform platform, String artifactType, ImageConfig config,
            Descriptor configDescriptor, List<Descriptor> layers) {
        /** Copies the list. */
        public Image {
            layers = List.copyOf(layers);
        }

        /** Sum of the compressed layer sizes. */
        public long layersSize() {
            return layers.stream().mapToLong(Descriptor::size).sum();
        }

        /**
         * The layer each step of the config's history made, one entry per step: the steps not
         * marked {@code empty_layer} take the layers in order, base first, as the image spec
         * pairs them; null for a step that made none, or one past the last layer.
         */
        public List<Descriptor> historyLayers() {
            List<Descriptor> made = new ArrayList<>();
            int next = 0;
            for (ImageConfig.History step : config.history()) {
                made.add(step.emptyLayer() || next >= layers.size() ? null : layers.get(next++));
            }
            return Collections.unmodifiableList(made);
        }
    }
}
