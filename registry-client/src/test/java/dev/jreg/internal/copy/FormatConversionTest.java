package dev.jreg.internal.copy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.CopyOptions;
import dev.jreg.CopyResult;
import dev.jreg.ManifestFormat;
import dev.jreg.PlatformSelector;
import dev.jreg.error.UnsupportedConversionException;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.store.BlobLocations;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.testing.MemoryStore;
import dev.jreg.testing.TestJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --format oci|docker}: manifests converted as JSON trees, blobs untouched. */
class FormatConversionTest {
    static final String DOCKER_TAR = "application/vnd.docker.image.rootfs.diff.tar";
    static final String DOCKER_FOREIGN_TAR = "application/vnd.docker.image.rootfs.foreign.diff.tar";
    static final String OCI_FOREIGN_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    static final String OCI_FOREIGN_TAR = "application/vnd.oci.image.layer.nondistributable.v1.tar";

    final MemoryStore source = new MemoryStore();
    final MemoryStore sink = new MemoryStore();
    final Copier copier = new Copier(BlobLocations.NONE);

    Descriptor config(String os, String architecture, MediaType type) {
        return source.addBlob(type, "{\"architecture\":\"" + architecture + "\",\"os\":\"" + os
                + "\",\"container_config\":{\"Hostname\":\"b\"},\"docker_version\":\"20.10\",\"rootfs\":{\"type\":\"layers\"}}");
    }

    /** A manifest written as its tool wrote it, fields jreg does not know included. */
    ManifestBlob manifest(MediaType type, Descriptor config, List<Map<String, Object>> layers, String tag)
            throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schemaVersion", 2);
        json.put("mediaType", type.value());
        json.put("config", descriptor(config.mediaType().value(), config));
        json.put("layers", layers);
        json.put("x-vendor", Map.of("kept", true));
        ManifestBlob blob = ManifestBlob.of(TestJson.bytes(json), type.value());
        source.addManifest(blob, tag);
        return blob;
    }

    Map<String, Object> layer(String type, String content) {
        Descriptor d = source.addBlob(MediaType.of(type), content);
        Map<String, Object> layer = descriptor(type, d);
        layer.put("annotations", Map.of("layer.note", content));
        return layer;
    }

    static Map<String, Object> descriptor(String type, Descriptor d) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mediaType", type);
        json.put("size", d.size());
        json.put("digest", d.digest().toString());
        return json;
    }

    ManifestBlob dockerImage(String tag, String os, String architecture) throws IOException {
        return manifest(MediaType.DOCKER_MANIFEST, config(os, architecture, MediaType.DOCKER_CONFIG),
                List.of(layer(MediaType.DOCKER_LAYER_GZIP.value(), "gzip " + architecture),
                        layer(DOCKER_TAR, "tar " + architecture),
                        layer(MediaType.DOCKER_FOREIGN_LAYER.value(), "foreign " + architecture)), tag);
    }

    ManifestBlob list(MediaType type, String tag, List<Map<String, Object>> entries) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schemaVersion", 2);
        json.put("mediaType", type.value());
        json.put("manifests", entries);
        json.put("annotations", Map.of("index.note", "kept"));
        ManifestBlob blob = ManifestBlob.of(TestJson.bytes(json), type.value());
        source.addManifest(blob, tag);
        return blob;
    }

    static Map<String, Object> entry(ManifestBlob child, Platform platform) {
        Map<String, Object> json = descriptor(child.mediaType().value(), child.descriptor());
        if (platform != null) {
            json.put("platform", Map.of("os", platform.os(), "architecture", platform.architecture()));
        }
        return json;
    }

    /** BuildKit's attestation of an image, as the entry of an OCI index that lists it. */
    Map<String, Object> attestation(ManifestBlob described) throws IOException {
        Descriptor statement = source.addBlob(MediaType.of("application/vnd.in-toto+json"), "{\"subject\":\""
                + described.digest() + "\"}");
        ManifestBlob attestation = manifest(MediaType.OCI_MANIFEST, source.addBlob(MediaType.OCI_CONFIG, "{}"),
                List.of(descriptor("application/vnd.in-toto+json", statement)), null);
        Map<String, Object> entry = entry(attestation, Platform.of("unknown", "unknown", null));
        entry.put("annotations", Map.of(Descriptor.REFERENCE_TYPE, "attestation-manifest",
                Descriptor.REFERENCE_DIGEST, described.digest().toString()));
        return entry;
    }

    CopyResult copy(String tag, ManifestFormat format) throws IOException {
        return copier.copy(source, tag, sink, CopyOptions.defaults().withPlatforms(PlatformSelector.all()).withFormat(format));
    }

    static JsonNode tree(ManifestBlob blob) throws IOException {
        return Json.parse(blob.bytes());
    }

    @Test
    void aDockerImageToOciChangesMediaTypesOnlyAndKeepsEveryOtherField() throws Exception {
        ManifestBlob docker = dockerImage("v1", "linux", "amd64");
        ImageManifest before = (ImageManifest) docker.manifest();

        CopyResult result = copy("v1", ManifestFormat.OCI);

        ManifestBlob oci = result.top();
        assertNotEquals(docker.digest(), oci.digest(), "a converted manifest has a new digest");
        assertEquals(docker.digest(), result.convertedFrom());
        assertEquals(MediaType.OCI_MANIFEST, oci.mediaType());
        ImageManifest after = assertInstanceOf(ImageManifest.class, oci.manifest());
        assertEquals(MediaType.OCI_CONFIG, after.config().mediaType());
        assertEquals(before.config().digest(), after.config().digest(), "the config keeps its bytes");
        assertEquals(List.of(MediaType.OCI_LAYER_GZIP, MediaType.OCI_LAYER, MediaType.of(OCI_FOREIGN_GZIP)),
                after.layers().stream().map(Descriptor::mediaType).toList());
        assertEquals(before.layers().stream().map(Descriptor::digest).toList(),
                after.layers().stream().map(Descriptor::digest).toList(), "layers are never re-compressed");
        JsonNode json = tree(oci);
        assertTrue(json.path("x-vendor").path("kept").asBoolean(), json.toString());
        assertEquals("gzip amd64", json.path("layers").get(0).path("annotations").path("layer.note").asText());
        assertArrayEquals(source.blobs.get(before.config().digest()), sink.blobs.get(after.config().digest()));
        assertEquals(oci, sink.manifests.get(oci.digest()));
        assertEquals("commit " + oci.digest().shortHex(), sink.events.get(sink.events.size() - 1));
    }

    @Test
    void anOciImageToDockerAndForeignAndUncompressedLayers() throws Exception {
        Descriptor config = config("linux", "arm64", MediaType.OCI_CONFIG);
        ManifestBlob oci = manifest(MediaType.OCI_MANIFEST, config, List.of(layer(MediaType.OCI_LAYER_GZIP.value(), "g"),
                layer(MediaType.OCI_LAYER.value(), "t"), layer(OCI_FOREIGN_TAR, "f"), layer(OCI_FOREIGN_GZIP, "fg")), "o");

        CopyResult result = copy("o", ManifestFormat.DOCKER);

        assertEquals(oci.digest(), result.convertedFrom());
        ImageManifest docker = assertInstanceOf(ImageManifest.class, result.top().manifest());
        assertEquals(MediaType.DOCKER_MANIFEST, result.top().mediaType());
        assertEquals(MediaType.DOCKER_CONFIG, docker.config().mediaType());
        assertEquals(config.digest(), docker.config().digest());
        assertEquals(List.of(MediaType.DOCKER_LAYER_GZIP, MediaType.of(DOCKER_TAR), MediaType.of(DOCKER_FOREIGN_TAR),
                MediaType.DOCKER_FOREIGN_LAYER), docker.layers().stream().map(Descriptor::mediaType).toList());
        assertTrue(tree(result.top()).has("x-vendor"));
    }

    @Test
    void anImageAlreadyInTheAskedFormatIsCopiedAsItIs() throws Exception {
        ManifestBlob docker = dockerImage("d", "linux", "amd64");
        CopyResult same = copy("d", ManifestFormat.DOCKER);
        assertEquals(docker.digest(), same.top().digest());
        assertNull(same.convertedFrom());
        assertFalse(same.converted());

        Descriptor config = config("linux", "amd64", MediaType.OCI_CONFIG);
        ManifestBlob oci = manifest(MediaType.OCI_MANIFEST, config, List.of(layer(MediaType.OCI_LAYER_GZIP.value(), "x")), "o");
        ManifestBlob index = list(MediaType.OCI_INDEX, "i", List.of(entry(oci, Platform.parse("linux/amd64"))));
        CopyResult sameIndex = copy("i", ManifestFormat.OCI);
        assertEquals(index.digest(), sameIndex.top().digest(), "an OCI index of OCI images is OCI already");
        assertFalse(sameIndex.converted());
        assertArrayEquals(index.bytes(), sink.manifests.get(index.digest()).bytes());
    }

    @Test
    void aDockerManifestListOfTwoPlatformsBecomesAnOciIndexOfConvertedImages() throws Exception {
        ManifestBlob amd = dockerImage(null, "linux", "amd64");
        ManifestBlob arm = dockerImage(null, "linux", "arm64");
        ManifestBlob list = list(MediaType.DOCKER_LIST, "multi",
                List.of(entry(amd, Platform.parse("linux/amd64")), entry(arm, Platform.parse("linux/arm64"))));

        CopyResult result = copy("multi", ManifestFormat.OCI);

        assertEquals(list.digest(), result.convertedFrom());
        assertEquals(MediaType.OCI_INDEX, result.top().mediaType());
        ImageIndex index = assertInstanceOf(ImageIndex.class, result.top().manifest());
        assertEquals(List.of("linux/amd64", "linux/arm64"), index.manifests().stream().map(d -> d.platform().toString()).toList());
        for (Descriptor child : index.manifests()) {
            assertEquals(MediaType.OCI_MANIFEST, child.mediaType());
            ManifestBlob written = sink.manifests.get(child.digest());
            assertEquals(child.size(), written.size(), "the index describes the converted child");
            assertEquals(MediaType.OCI_MANIFEST, written.mediaType());
            assertTrue(sink.events.indexOf("manifest " + child.digest().shortHex())
                    < sink.events.indexOf("commit " + result.top().digest().shortHex()), "children first");
        }
        assertFalse(index.manifests().stream().anyMatch(d -> d.digest().equals(amd.digest()) || d.digest().equals(arm.digest())));
        assertEquals("kept", tree(result.top()).path("annotations").path("index.note").asText());
        assertEquals(8, result.blobsCopied(), "2 configs and 6 layers, as they were");
    }

    @Test
    void anOciIndexToDockerLeavesAttestationsOutAndNamesPlatformsFromConfigs() throws Exception {
        ManifestBlob amd = manifest(MediaType.OCI_MANIFEST, config("linux", "amd64", MediaType.OCI_CONFIG),
                List.of(layer(MediaType.OCI_LAYER_GZIP.value(), "amd")), null);
        ManifestBlob unlisted = manifest(MediaType.OCI_MANIFEST, config("linux", "arm64", MediaType.OCI_CONFIG),
                List.of(layer(MediaType.OCI_LAYER_GZIP.value(), "arm")), null);
        Map<String, Object> attestationEntry = attestation(amd);
        ManifestBlob attestation = source.manifests.get(Digest.parse((String) attestationEntry.get("digest")));
        Descriptor statement = ((ImageManifest) attestation.manifest()).layers().get(0);
        list(MediaType.OCI_INDEX, "multi", List.of(entry(amd, Platform.parse("linux/amd64")), entry(unlisted, null),
                attestationEntry));

        CopyResult result = copy("multi", ManifestFormat.DOCKER);

        assertEquals(MediaType.DOCKER_LIST, result.top().mediaType());
        ImageIndex docker = (ImageIndex) result.top().manifest();
        assertEquals(List.of("linux/amd64", "linux/arm64"), docker.manifests().stream().map(d -> d.platform().toString()).toList(),
                "the attestation is left out; the child without a platform has its config's");
        assertFalse(sink.blobs.containsKey(statement.digest()), "nothing of the attestation is copied");
        assertFalse(sink.manifests.containsKey(attestation.digest()));
    }

    @Test
    void anOciIndexWithADockerChildToOciConvertsTheChildAndItsAttestationFollows() throws Exception {
        ManifestBlob docker = dockerImage(null, "linux", "amd64");
        Map<String, Object> attestationEntry = attestation(docker);
        list(MediaType.OCI_INDEX, "mixed", List.of(entry(docker, Platform.parse("linux/amd64")), attestationEntry));

        CopyResult result = copy("mixed", ManifestFormat.OCI);

        ImageIndex index = (ImageIndex) result.top().manifest();
        Descriptor image = index.manifests().get(0);
        assertEquals(MediaType.OCI_MANIFEST, image.mediaType());
        assertEquals(attestationEntry.get("digest"), index.manifests().get(1).digest().toString(),
                "an OCI attestation is kept as it is");
        assertEquals(image.digest().toString(), index.manifests().get(1).annotations().get(Descriptor.REFERENCE_DIGEST));
    }

    @Test
    void zstdLayersCannotBeDockerOnes() throws Exception {
        ManifestBlob oci = manifest(MediaType.OCI_MANIFEST, config("linux", "amd64", MediaType.OCI_CONFIG),
                List.of(layer(MediaType.OCI_LAYER_GZIP.value(), "g"), layer(MediaType.OCI_LAYER_ZSTD.value(), "z")), "z");
        Descriptor zstd = ((ImageManifest) oci.manifest()).layers().get(1);

        UnsupportedConversionException e = assertThrows(UnsupportedConversionException.class,
                () -> copy("z", ManifestFormat.DOCKER));

        assertEquals(oci.digest(), e.digest());
        assertEquals("cannot convert " + oci.digest() + " to Docker schema 2: it has a zstd-compressed layer "
                + zstd.digest() + ", which Docker's image format cannot hold", e.getMessage());
        assertTrue(sink.events.isEmpty(), "refused before anything is written: " + sink.events);
        assertEquals(oci.digest(), copy("z", ManifestFormat.OCI).top().digest(), "to OCI it stays as it is");
    }

    @Test
    void aZstdChildRefusesTheWholeListAndArtifactsAreRefusedToo() throws Exception {
        ManifestBlob zstd = manifest(MediaType.OCI_MANIFEST, config("linux", "arm64", MediaType.OCI_CONFIG),
                List.of(layer(MediaType.OCI_LAYER_ZSTD.value(), "z")), null);
        list(MediaType.OCI_INDEX, "i", List.of(entry(zstd, Platform.parse("linux/arm64"))));
        assertTrue(assertThrows(IOException.class, () -> copy("i", ManifestFormat.DOCKER)).getMessage()
                .contains("zstd-compressed layer"));

        ManifestBlob helm = manifest(MediaType.OCI_MANIFEST, source.addBlob(
                MediaType.of("application/vnd.cncf.helm.config.v1+json"), "{\"name\":\"chart\"}"),
                List.of(layer("application/vnd.cncf.helm.chart.content.v1.tar+gzip", "chart")), "chart");
        assertEquals("cannot convert " + helm.digest() + " to Docker schema 2: it is an artifact (config"
                + " application/vnd.cncf.helm.config.v1+json), which Docker's image format cannot hold",
                assertThrows(IOException.class, () -> copy("chart", ManifestFormat.DOCKER)).getMessage());
        assertTrue(sink.events.isEmpty());
    }

    @Test
    void severalPlatformsAskedMakeAnIndexInTheAskedFormat() throws Exception {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (String arch : List.of("amd64", "arm64", "ppc64le")) {
            entries.add(entry(dockerImage(null, "linux", arch), Platform.parse("linux/" + arch)));
        }
        list(MediaType.DOCKER_LIST, "multi", entries);

        CopyResult two = copier.copy(source, "multi", sink, CopyOptions.defaults().withFormat(ManifestFormat.OCI)
                .withPlatforms(PlatformSelector.only(Platform.parse("linux/arm64"), Platform.parse("linux/amd64"))));
        assertEquals(MediaType.OCI_INDEX, two.top().mediaType());
        assertEquals(List.of(MediaType.OCI_MANIFEST, MediaType.OCI_MANIFEST),
                ((ImageIndex) two.top().manifest()).manifests().stream().map(Descriptor::mediaType).toList());

        CopyResult one = copier.copy(source, "multi", sink, CopyOptions.defaults().withFormat(ManifestFormat.OCI)
                .withPlatforms(PlatformSelector.only(Platform.parse("linux/ppc64le"))));
        assertEquals(MediaType.OCI_MANIFEST, one.top().mediaType());
    }
}
