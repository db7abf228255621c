package dev.jreg;

import dev.jreg.internal.json.Json;
import dev.jreg.internal.layer.Compression;
import dev.jreg.internal.layer.DirectoryScan;
import dev.jreg.internal.layer.FilesystemDiff;
import dev.jreg.internal.layer.ImageEntries;
import dev.jreg.internal.layer.LayerWriter;
import dev.jreg.internal.layer.SourcedEntry;
import dev.jreg.internal.layer.WrittenLayer;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageConfig;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@link Jreg#commit}: the new layer's entries, the layer written into the store, the base's
 * config with the layer, the history entry and the edits, the manifest in the base's format, and
 * the name, written last.
 */
final class ImageCommit {
    private final LocalStore store;
    private final Consumer<String> notices;
    private final ChosenImage base;
    /** The base as messages name it. */
    private final String baseName;
    private final CommitOptions options;

    /**
     * @param base the image the new one is made on
     * @param baseName the base as notes name it
     */
    ImageCommit(LocalStore store, Consumer<String> notices, ChosenImage base, String baseName, CommitOptions options) {
        this.store = store;
        this.notices = notices;
        this.base = base;
        this.baseName = baseName;
        this.options = options;
    }

    /**
     * Makes the image and names it.
     *
     * @param directory the directory's real path, or null without one
     * @param unpacked the directory's unpack record, if it has one
     */
    CommitResult run(Reference name, Path directory, Optional<UnpackedDirectories.Unpacked> unpacked)
            throws IOException {
        String artifact = base.image().effectiveArtifactType();
        if (artifact != null) {
            throw new IllegalArgumentException(baseName + " is an artifact (" + artifact + "), not a container image");
        }
        boolean docker = base.manifest().mediaType().equals(MediaType.DOCKER_MANIFEST);
        if (docker && options.compression() == LayerCompression.ZSTD) {
            throw new IllegalArgumentException(baseName + " is a Docker schema 2 image, whose format holds no zstd layer;"
                    + " commit with --compression gzip, or on an OCI copy of it (jreg copy --format oci)");
        }
        ImageConfig was = base.reader().config(base.image());
        ImageConfig.Container settings = ConfigEdits.apply(was.config(), options.changes());
        List<SourcedEntry> entries = entries(directory, unpacked);
        Compression compression = options.compression() == LayerCompression.ZSTD ? Compression.ZSTD
                : Compression.GZIP;
        MediaType layerType = docker ? MediaType.DOCKER_LAYER_GZIP : compression.ociMediaType();
        Instant created = options.timestamp() != null ? options.timestamp() : Instant.now();
        try (Closeable writing = store.copying()) {
            // The new image is complete in the store: a base read from a layout brings its layers.
            for (Descriptor layer : base.image().layers()) {
                if (!store.hasBlob(layer)) {
                    store.putBlob(layer, () -> base.source().blob(layer));
                }
            }
            Descriptor layer = null;
            Digest diffId = null;
            if (!entries.isEmpty()) {
                LayerWriter writer = LayerWriter.of(compression, Optional.ofNullable(options.timestamp()));
                WrittenLayer[] written = new WrittenLayer[1];
                layer = store.putNew(layerType, out -> written[0] = writer.write(entries, out));
                diffId = written[0].diffId();
            }
            byte[] config = Json.bytes(config(was, settings, diffId, created.toString()).toJson());
            Descriptor configDescriptor = Descriptor.of(base.image().config().mediaType(), Digest.sha256(config),
                    config.length);
            store.putBlob(configDescriptor, () -> new ByteArrayInputStream(config));
            ImageManifest image = base.image();
            List<Descriptor> layers = new ArrayList<>(image.layers());
            if (layer != null) {
                layers.add(layer);
            }
            // The base's annotations and other fields stay; its subject does not: the new image refers to nothing.
            ManifestBlob manifest = ManifestBlob.create(new ImageManifest(image.schemaVersion(), image.mediaType(),
                    image.artifactType(), configDescriptor, layers, null, image.annotations(), image.otherFields()));
            store.putBytes(manifest.digest(), manifest.bytes());
            store.setName(name, manifest.descriptor());
            return new CommitResult(name, manifest.descriptor(), configDescriptor.digest(), layer,
                    layer == null ? 0 : entries.size());
        }
    }

    /** The new layer's entries: the directory's changes, the files added, or none. */
    private List<SourcedEntry> entries(Path directory, Optional<UnpackedDirectories.Unpacked> unpacked)
            throws IOException {
        if (!options.additions().isEmpty()) {
            List<DirectoryScan.Addition> additions = options.additions().stream()
                    .map(a -> new DirectoryScan.Addition(a.source(), a.destination())).toList();
            // Destinations are resolved in the base, as docker's COPY resolves them in the container's filesystem.
            ImageEntries image = new ImageEntries();
            base.readLayers(image::add);
            return DirectoryScan.additions(additions, DirectoryScan.Owners.forThisProcess(), image.entries());
        }
        if (directory == null) {
            return List.of();
        }
        Digest baseId = base.image().config().digest();
        boolean recorded = unpacked.isPresent() && unpacked.get().config().equals(baseId);
        ImageEntries image = new ImageEntries();
        if (!recorded || options.checksum()) {
            base.readLayers(image::add);
        }
        // With --checksum, the base's files' bytes are streamed again from the layers that hold them.
        FilesystemDiff diff = FilesystemDiff.forThisProcess(options.checksum(), paths -> image.digests(paths,
                index -> base.source().blob(base.image().layers().get(index))));
        if (recorded) {
            return diff.changes(directory, unpacked.get().record());
        }
        notices.accept("note: " + directory + (unpacked.isPresent() ? " was unpacked from "
                + unpacked.get().image() + ", not " + baseName : " has no unpack record") + "; comparing it with "
                + baseName + "'s files by type, size, mode" + (options.checksum() ? ", time and content" : " and time"));
        return diff.changesWithoutRecord(directory, image.entries());
    }

    /** The base's config with the new layer's diff ID, the history entry, the time, the author and the edits. */
    private ImageConfig config(ImageConfig was, ImageConfig.Container settings, Digest diffId, String created) {
        String author = options.author() != null ? options.author() : was.author();
        ImageConfig.RootFs rootfs = was.rootfs() != null ? was.rootfs() : new ImageConfig.RootFs("layers", null, null);
        List<String> diffIds = new ArrayList<>(rootfs.diffIds() == null ? List.of() : rootfs.diffIds());
        if (diffId != null) {
            diffIds.add(diffId.toString());
        }
        List<ImageConfig.History> history = new ArrayList<>(was.history());
        history.add(new ImageConfig.History(created, options.createdBy(), diffId == null, options.comment(), author, null));
        return new ImageConfig(created, author, was.os(), was.architecture(), was.variant(), settings,
                new ImageConfig.RootFs(rootfs.type(), diffIds, rootfs.otherFields()), history, was.otherFields());
    }
}
