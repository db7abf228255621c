package dev.jreg.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.InvalidContentException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestBlobTest {
    static final Path GOLDEN = Path.of("..", "testdata", "manifests");

    static byte[] golden(String name) throws Exception {
        return Files.readAllBytes(GOLDEN.resolve(name));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "docker-v2.json,                 application/vnd.docker.distribution.manifest.v2+json,      362f1ef77945ad5412c7caad13d78a82161826b4ece82d540283d069778d6898",
        "oci-index.json,                 application/vnd.oci.image.index.v1+json,                   8f49257842c2784582639c4f7ce9646f8bfbe08f8320d006db3c72010076e147",
        "docker-list.json,               application/vnd.docker.distribution.manifest.list.v2+json, 753d1d3f4745bc9a55f5edadc2f7b3f1b5310777462f9c3a993e6e12c0cce66e",
        "oci-manifest-no-mediatype.json, application/vnd.oci.image.manifest.v1+json,                fdff1ba8eb40d3260f65a2f45cbf0cd2ee21a50371740dcab8fb416cc0e758da",
    })
    void digestComesFromTheExactBytes(String file, String mediaType, String sha256) throws Exception {
        byte[] bytes = golden(file);
        ManifestBlob blob = ManifestBlob.of(bytes, null);
        assertEquals("sha256:" + sha256, blob.digest().toString());
        assertEquals(mediaType, blob.mediaType().value());
        assertArrayEquals(bytes, blob.bytes(), "bytes are kept, never re-serialised");
        assertEquals(bytes.length, blob.descriptor().size());
    }

    @Test
    void parsesADockerManifest() throws Exception {
        ImageManifest m = assertInstanceOf(ImageManifest.class, ManifestBlob.of(golden("docker-v2.json"), null).manifest());
        assertEquals(MediaType.DOCKER_CONFIG, m.config().mediaType());
        assertEquals(3, m.layers().size());
        assertEquals(29124181L + 41341458L + 629L, m.layersSize());
        assertEquals(4, m.blobs().size());
    }

    @Test
    void parsesAnIndexWithPlatforms() throws Exception {
        ImageIndex index = assertInstanceOf(ImageIndex.class, ManifestBlob.of(golden("oci-index.json"), null).manifest());
        assertEquals(3, index.manifests().size());
        assertEquals("sha256:" + "2".repeat(64), index.select(Platform.parse("linux/arm64")).orElseThrow().digest().toString());
        assertTrue(index.select(Platform.parse("linux/s390x")).isEmpty());
        assertEquals("2024-01-02T03:04:05Z", index.annotations().get("org.opencontainers.image.created"));
    }

    @Test
    void dockerListKeepsWindowsOsVersion() throws Exception {
        ImageIndex list = (ImageIndex) ManifestBlob.of(golden("docker-list.json"), null).manifest();
        assertEquals("10.0.17763.5329", list.manifests().get(2).platform().osVersion());
        assertEquals("sha256:" + "5".repeat(64), list.select(Platform.parse("linux/arm/v7")).orElseThrow().digest().toString());
    }

    @Test
    void mediaTypeIsInferredWhenTheDocumentHasNone() throws Exception {
        ManifestBlob blob = ManifestBlob.of(golden("oci-manifest-no-mediatype.json"), "application/octet-stream");
        ImageManifest m = (ImageManifest) blob.manifest();
        assertEquals(MediaType.OCI_MANIFEST, m.mediaType());
        assertEquals("kept", m.layers().get(0).annotations().get("org.example.note"));
    }

    @Test
    void contentTypeHeaderIsUsedWhenTheDocumentHasNoMediaType() throws Exception {
        byte[] bytes = golden("oci-manifest-no-mediatype.json");
        assertEquals(MediaType.DOCKER_MANIFEST, ManifestBlob.of(bytes, MediaType.DOCKER_MANIFEST.value()).mediaType());
    }

    @Test
    void schema1IsRefusedClearly() throws Exception {
        InvalidContentException e = assertThrows(InvalidContentException.class,
                () -> ManifestBlob.of(golden("schema1.json"), null));
        assertTrue(e.getMessage().contains("schema 1"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "not json",
        "[]",
        "\"string\"",
        "{}",
        "{\"schemaVersion\":3,\"config\":{}}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\"}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}",
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:zz\",\"size\":1}}",
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a/b\",\"size\":1}}",
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"size\":-5}}",
        "{\"schemaVersion\":2,\"manifests\":{}}",
        "{\"schemaVersion\":2,\"config\":{}} trailing",
    })
    void malformedManifestsAreInvalidContent(String text) {
        assertThrows(InvalidContentException.class, () -> ManifestBlob.of(text.getBytes(StandardCharsets.UTF_8), null));
    }

    @Test
    void deeplyNestedJsonIsRefused() {
        String nested = "{\"schemaVersion\":2,\"manifests\":[],\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThrows(InvalidContentException.class, () -> ManifestBlob.of(nested.getBytes(StandardCharsets.UTF_8), null));
    }

    @Test
    void oversizedManifestIsRefused() {
        byte[] huge = new byte[ManifestBlob.MAX_SIZE + 1];
        Arrays.fill(huge, (byte) ' ');
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> ManifestBlob.of(huge, null));
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void fetchByDigestVerifiesTheBytes() throws Exception {
        byte[] bytes = golden("docker-v2.json");
        Digest right = Digest.sha256(bytes);
        assertEquals(right, ManifestBlob.of(bytes, null, right).digest());
        Digest wrong = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));
        assertThrows(DigestMismatchException.class, () -> ManifestBlob.of(bytes, null, wrong));
    }

    @Test
    void createdManifestsRoundTrip() throws Exception {
        ManifestBlob original = ManifestBlob.of(golden("oci-index.json"), null);
        ManifestBlob recreated = ManifestBlob.create(original.manifest());
        assertEquals(original.manifest(), recreated.manifest(), "serialising our own manifests loses nothing");
    }
}
