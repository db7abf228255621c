package dev.jreg.testing;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds small deterministic test images (tar+gzip layers of random bytes, a config, a manifest)
 * into OCI layout directories, from which skopeo pushes them to the test registries.
 */
public final class TestImages {
    /** When every image is created unless a test says otherwise. */
    public static final String CREATED = "2024-01-02T03:04:05Z";

    private TestImages() {
    }

    /**
     * A built layer.
     *
     * @param bytes the compressed tar
     * @param descriptor its descriptor
     * @param diffId digest of the uncompressed tar
     */
    public record Layer(byte[] bytes, Descriptor descriptor, Digest diffId) {
    }

    /** A gzip layer holding one file of {@code size} random bytes seeded by {@code seed}. */
    public static Layer layer(long seed, int size) throws IOException {
        byte[] content = new byte[size];
        new Random(seed).nextBytes(content);
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            TarArchiveEntry entry = new TarArchiveEntry("data/file-" + seed);
            entry.setSize(size);
            entry.setModTime(0);
            out.putArchiveEntry(entry);
            out.write(content);
            out.closeArchiveEntry();
        }
        return layerOf(tar.toByteArray(), true);
    }

    /** A layer of this tar, gzip'd ({@code tar+gzip}) or as it is ({@code tar}). */
    public static Layer layerOf(byte[] tar, boolean gzip) {
        byte[] bytes = tar;
        if (gzip) {
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(tar);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            bytes = gz.toByteArray();
        }
        MediaType type = gzip ? MediaType.OCI_LAYER_GZIP : MediaType.OCI_LAYER;
        return new Layer(bytes, Descriptor.of(type, Digest.sha256(bytes), bytes.length), Digest.sha256(tar));
    }

    /** A gzip layer of a tar ({@link TarBuilder#tar()}). */
    public static Layer gzipLayer(byte[] tar) {
        byte[] bytes = TarBuilder.gzip(tar);
        return new Layer(bytes, Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(bytes), bytes.length),
                Digest.sha256(tar));
    }

    /** Writes an image into the layout and names it {@code name}; returns its manifest. */
    public static ManifestBlob writeImage(OciLayout layout, Reference name, Platform platform, List<Layer> layers)
            throws IOException {
        return writeImage(layout, name, platform, layers, CREATED, Map.of());
    }

    /** Writes an image created at {@code created} (RFC 3339) with these config labels, and names it. */
    public static ManifestBlob writeImage(OciLayout layout, Reference name, Platform platform, List<Layer> layers,
            String created, Map<String, String> labels) throws IOException {
        ManifestBlob manifest = storeImage(layout, platform, layers, created, labels);
        layout.setName(name.toString(), manifest.descriptor());
        return manifest;
    }

    /** Writes an index of one image per platform into the layout and names it; returns the index. */
    public static ManifestBlob writeIndex(OciLayout layout, Reference name, Map<Platform, List<Layer>> images)
            throws IOException {
        List<Descriptor> children = new ArrayList<>();
        for (Map.Entry<Platform, List<Layer>> image : images.entrySet()) {
            ManifestBlob child = storeImage(layout, image.getKey(), image.getValue(), CREATED, Map.of());
            children.add(child.descriptor().withPlatform(image.getKey()));
        }
        ManifestBlob index = ManifestBlob.create(new ImageIndex(2, MediaType.OCI_INDEX, null, children, null, null));
        layout.putBytes(index.digest(), index.bytes());
        layout.setName(name.toString(), index.descriptor());
        return index;
    }

    /**
     * Writes an index of two one-layer images into the layout and names it: linux/amd64, whose
     * layer holds {@code data/file-1}, and linux/arm64, whose layer holds {@code data/file-2}, each
     * of {@code size} random bytes.
     */
    public static ManifestBlob writeAmd64AndArm64(OciLayout layout, Reference name, int size) throws IOException {
        Map<Platform, List<Layer>> platforms = new LinkedHashMap<>();
        platforms.put(Platform.of("linux", "amd64", null), List.of(layer(1, size)));
        platforms.put(Platform.of("linux", "arm64", null), List.of(layer(2, size)));
        return writeIndex(layout, name, platforms);
    }

    /** Stores an image with a plain config for the platform (Env, Cmd, one history step per layer) without naming it. */
    public static ManifestBlob storeImage(OciLayout layout, Platform platform, List<Layer> layers) throws IOException {
        return storeImage(layout, platform, layers, CREATED, Map.of());
    }

    private static ManifestBlob storeImage(OciLayout layout, Platform platform, List<Layer> layers, String created,
            Map<String, String> labels) throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", created);
        config.put("architecture", platform.architecture());
        if (platform.variant() != null) {
            config.put("variant", platform.variant());
        }
        config.put("os", platform.os());
        config.put("config", labels.isEmpty() ? Map.of("Env", List.of("PATH=/usr/bin:/bin"), "Cmd", List.of("/bin/sh"))
                : Map.of("Env", List.of("PATH=/usr/bin:/bin"), "Cmd", List.of("/bin/sh"), "Labels", labels));
        config.put("rootfs", Map.of("type", "layers", "diff_ids", layers.stream().map(l -> l.diffId().toString()).toList()));
        config.put("history", layers.stream().map(l -> Map.of("created_by", "layer " + l.diffId().shortHex())).toList());
        return storeImage(layout, config, layers);
    }

    /** Stores an image with this config (written as given) and these layers, without naming it. */
    public static ManifestBlob storeImage(OciLayout layout, Map<String, Object> config, List<Layer> layers)
            throws IOException {
        byte[] configBytes = TestJson.bytes(config);
        Descriptor configDescriptor = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256(configBytes), configBytes.length);
        layout.putBlob(configDescriptor, () -> new ByteArrayInputStream(configBytes));
        for (Layer layer : layers) {
            layout.putBlob(layer.descriptor(), () -> new ByteArrayInputStream(layer.bytes()));
        }
        ManifestBlob manifest = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null, configDescriptor,
                layers.stream().map(Layer::descriptor).toList(), null, null));
        layout.putBytes(manifest.digest(), manifest.bytes());
        return manifest;
    }

    /** Flips one byte in the middle of a stored blob of the layout at {@code root}: same size, other bytes. */
    public static void flipByte(Path root, Digest blob) throws IOException {
        Path file = root.resolve("blobs/sha256").resolve(blob.hex());
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        file.toFile().setWritable(true);
        java.nio.file.Files.write(file, bytes);
    }
}
