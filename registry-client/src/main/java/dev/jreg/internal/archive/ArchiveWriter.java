package dev.jreg.internal.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.internal.store.ImageSource;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes images into one tar stream, as {@code docker save} (docker 25 and later) or an OCI
 * archive: an OCI image layout — {@code oci-layout}, {@code index.json} and every blob under
 * {@code blobs/ALG/HEX}, each once however many images share it, layers as they are stored —
 * and, in docker's shape, beside it {@code manifest.json} (per image its config's and layers'
 * paths and its names, {@code RepoTags}, in docker's familiar form) and {@code repositories}
 * (per repository and tag the hex of the image's top layer's diff ID, as moby writes it).
 *
 * <p>{@code index.json} has an entry per name, annotated as containerd and docker write them:
 * {@value #IMAGE_NAME} the full name, {@value Descriptor#REF_NAME} its tag; an image saved
 * without a name has one entry without annotations.
 *
 * <p>The bytes depend on the images alone: entries in the order of their names (as containerd's
 * exporter sorts them), modification times 0, owners 0:0 without names, modes 0755 for
 * directories, 0444 for blobs and {@code oci-layout}, 0644 for the rest. Blobs are streamed from
 * the source, which holds each to its size and digest as it is read; nothing is held in memory but
 * manifests and the archive's small JSON files. Before the first byte is written every manifest
 * is read and every blob opened, so that an image missing a blob fails with nothing written.
 */
public final class ArchiveWriter {
    /** containerd's annotation of an image's full name ({@code docker.io/library/nginx:1.24.0}). */
    public static final String IMAGE_NAME = "io.containerd.image.name";
    private static final int BUFFER = 256 * 1024;
    private static final int DIRECTORY_MODE = 0755;
    private static final int BLOB_MODE = 0444;
    private static final int FILE_MODE = 0644;
    private static final int MAX_DEPTH = 4;

    /**
     * A name an image is written under.
     *
     * @param reference the full name, with a tag
     * @param pulledBy the digest it was pulled by ({@value OciLayout#REPO_DIGEST}), or null
     */
    public record Name(Reference reference, Digest pulledBy) {
    }

    /**
     * One image to write.
     *
     * @param source where its manifests and blobs are read
     * @param top the manifest or index {@code index.json} names
     * @param names its names; empty for an image saved without one
     * @param image for {@code manifest.json}: the image manifest that stands for it (of an index,
     *     one platform's); null for none (an index of indexes), which {@code manifest.json} leaves out
     * @param topDiffId the diff ID of that image's last layer, for {@code repositories}; null for none
     */
    public record Image(ImageSource source, ManifestBlob top, List<Name> names, ImageManifest image, Digest topDiffId) {
        /** Copies the names. */
        public Image {
            names = List.copyOf(names);
        }
    }

    /**
     * What was written.
     *
     * @param blobs the blobs in the archive, each once
     * @param bytes the sum of their sizes
     */
    public record Written(int blobs, long bytes) {
    }

    /** One entry of the archive: its mode and size, and how its bytes are written. */
    private record Entry(int mode, long size, Content content) {
    }

    @FunctionalInterface
    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private final boolean docker;
    /** Every entry by its name, in the order they are written. */
    private final Map<String, Entry> entries = new TreeMap<>();
    private int blobs;
    private long bytes;

    /** @param docker docker's shape ({@code manifest.json} and {@code repositories} too), else an OCI archive */
    public ArchiveWriter(boolean docker) {
        this.docker = docker;
    }

    /**
     * Writes the images into {@code out}, which is flushed and left open.
     *
     * @throws dev.jreg.error.BlobNotFoundException when a source lacks a blob an image needs,
     *     before anything is written
     * @throws dev.jreg.error.DigestMismatchException when a blob read does not match its size or
     *     digest; what was written before it is no archive
     * @throws IOException when a source cannot be read or {@code out} written
     */
    public Written write(List<Image> images, OutputStream out) throws IOException {
        List<Descriptor> named = new ArrayList<>();
        for (Image image : images) {
            addContent(image.source(), image.top(), 0);
            named.addAll(indexEntries(image));
        }
        json("index.json", FILE_MODE, ManifestBlob.create(new ImageIndex(2, MediaType.OCI_INDEX, null, named, null,
                null)).bytes());
        json("oci-layout", BLOB_MODE, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        if (docker) {
            dockerFiles(images);
        }
        BufferedOutputStream buffered = new BufferedOutputStream(out, BUFFER);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(buffered, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (Map.Entry<String, Entry> entry : entries.entrySet()) {
            Entry content = entry.getValue();
            boolean directory = entry.getKey().endsWith("/");
            TarArchiveEntry header = new TarArchiveEntry(entry.getKey(), directory ? TarConstants.LF_DIR
                    : TarConstants.LF_NORMAL);
            header.setUserName("");
            header.setGroupName("");
            header.setUserId(0);
            header.setGroupId(0);
            header.setMode(content.mode());
            header.setLastModifiedTime(FileTime.fromMillis(0));
            header.setSize(content.size());
            tar.putArchiveEntry(header);
            if (content.content() != null) {
                content.content().writeTo(tar);
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        buffered.flush();
        return new Written(blobs, bytes);
    }

    /** The entries of {@code index.json} for an image: one per name, or one without a name. */
    private static List<Descriptor> indexEntries(Image image) {
        Descriptor top = Descriptor.of(image.top().mediaType(), image.top().digest(), image.top().size());
        if (image.names().isEmpty()) {
            return List.of(top);
        }
        List<Descriptor> named = new ArrayList<>();
        for (Name name : image.names()) {
            Map<String, String> annotations = new LinkedHashMap<>();
            annotations.put(IMAGE_NAME, name.reference().toString());
            annotations.put(Descriptor.REF_NAME, name.reference().tag());
            if (name.pulledBy() != null) {
                annotations.put(OciLayout.REPO_DIGEST, name.pulledBy().toString());
            }
            named.add(top.withAnnotations(annotations));
        }
        return named;
    }

    /** A manifest and all it reaches: children of an index, an image's config and layers. */
    private void addContent(ImageSource source, ManifestBlob manifest, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new InvalidContentException("manifest " + manifest.digest() + " is nested more than " + MAX_DEPTH
                    + " indexes deep");
        }
        byte[] bytes = manifest.bytes();
        if (!addBlob(manifest.descriptor(), out -> out.write(bytes))) {
            return;
        }
        if (manifest.manifest() instanceof ImageIndex index) {
            for (Descriptor child : index.manifests()) {
                addContent(source, source.manifest(child.digest().toString()), depth + 1);
            }
        } else {
            for (Descriptor blob : ((ImageManifest) manifest.manifest()).blobs()) {
                // Opened now, so that a missing blob fails the save before anything is written.
                source.blob(blob).close();
                addBlob(blob, out -> copy(source, blob, out));
            }
        }
    }

    /** Adds a blob's entry (and its folders); false when the archive holds it already. */
    private boolean addBlob(Descriptor blob, Content content) {
        Digest digest = blob.digest();
        String name = "blobs/" + digest.algorithm() + "/" + digest.hex();
        if (entries.containsKey(name)) {
            return false;
        }
        entries.put("blobs/", new Entry(DIRECTORY_MODE, 0, null));
        entries.put("blobs/" + digest.algorithm() + "/", new Entry(DIRECTORY_MODE, 0, null));
        entries.put(name, new Entry(BLOB_MODE, blob.size(), content));
        blobs++;
        bytes += blob.size();
        return true;
    }

    private static void copy(ImageSource source, Descriptor blob, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = source.blob(blob)) {
            for (int n; (n = in.read(buffer)) >= 0;) {
                out.write(buffer, 0, n);
            }
        }
    }

    private void json(String name, int mode, byte[] content) {
        entries.put(name, new Entry(mode, content.length, out -> out.write(content)));
    }

    /**
     * {@code manifest.json}, an item per image as moby writes it ({@code Config}, {@code RepoTags}
     * — null without names —, {@code Layers}), and {@code repositories} when an image has a name.
     */
    private void dockerFiles(List<Image> images) throws IOException {
        ArrayNode manifest = Json.array();
        Map<String, Map<String, String>> repositories = new TreeMap<>();
        for (Image image : images) {
            if (image.image() == null) {
                continue; // an index of indexes: no image manifest.json could name
            }
            ObjectNode item = manifest.addObject();
            item.put("Config", path(image.image().config().digest()));
            if (image.names().isEmpty()) {
                item.putNull("RepoTags");
            } else {
                ArrayNode tags = item.putArray("RepoTags");
                image.names().forEach(name -> tags.add(name.reference().familiar()));
            }
            ArrayNode layers = item.putArray("Layers");
            image.image().layers().forEach(layer -> layers.add(path(layer.digest())));
            for (Name name : image.names()) {
                if (image.topDiffId() != null) {
                    repositories.computeIfAbsent(name.reference().familiarName(), repository -> new TreeMap<>())
                            .put(name.reference().tag(), image.topDiffId().hex());
                }
            }
        }
        json("manifest.json", FILE_MODE, line(manifest));
        if (!repositories.isEmpty()) {
            ObjectNode json = Json.object();
            repositories.forEach((repository, tags) -> tags.forEach(json.putObject(repository)::put));
            json("repositories", FILE_MODE, line(json));
        }
    }

    private static String path(Digest digest) {
        return "blobs/" + digest.algorithm() + "/" + digest.hex();
    }

    /** The JSON on one line with a new line after it, as Go's {@code json.Encoder} writes it. */
    private static byte[] line(JsonNode json) {
        return (Json.write(json) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
