package dev.jreg.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.core.Options;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.FaultProxy;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A blob whose bytes are not its descriptor's size, on every copy path: the one line names the
 * blob, where it came from, the size expected and what arrived; the destination keeps no part of it.
 */
@ExtendWith(RealRegistryCondition.class)
class ShortBlobTest {
    static final byte[] CONFIG = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    static final byte[] LAYER = new byte[100_000];

    static {
        new Random(11).nextBytes(LAYER);
    }

    static final Descriptor CONFIG_BLOB = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256(CONFIG), CONFIG.length);
    static final Descriptor LAYER_BLOB = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(LAYER), LAYER.length);

    /** A source whose bodies have no Content-Length, so only the bytes tell how long a blob is. */
    @RegisterExtension
    static WireMockExtension source = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                    .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.ALWAYS)).build();

    @TempDir
    static Path dir;
    static DistributionRegistry destination;

    Path home;
    Path store;

    @BeforeAll
    static void start() throws Exception {
        destination = DistributionRegistry.open(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        destination.close();
    }

    @BeforeEach
    void image(@TempDir Path home, @TempDir Path store) throws Exception {
        this.home = home;
        this.store = store;
        ManifestBlob manifest = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null, CONFIG_BLOB, List.of(LAYER_BLOB),
                null, null));
        source.stubFor(get("/v2/").willReturn(okJson("{}")));
        source.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(aResponse()
                .withHeader("Content-Type", MediaType.OCI_MANIFEST.value()).withBody(manifest.bytes())));
        source.stubFor(get(urlEqualTo("/v2/app/blobs/" + CONFIG_BLOB.digest())).willReturn(aResponse().withBody(CONFIG)));
    }

    void layerBody(byte[] body) {
        source.stubFor(get(urlEqualTo("/v2/app/blobs/" + LAYER_BLOB.digest())).willReturn(aResponse().withBody(body)));
    }

    String from() {
        return "127.0.0.1:" + source.getPort() + "/app";
    }

    Cli.Result run(String... args) {
        String[] all = Stream.concat(Stream.of("--retries", "0"), Arrays.stream(args)).toArray(String[]::new);
        return new Cli(home, store).run(all);
    }

    static void assertOneLine(Cli.Result result, int exitCode, String line) {
        assertEquals(exitCode, result.exitCode(), result::toString);
        assertEquals("jreg: " + line + "\n", result.err(), result::toString);
    }

    /**
     * No manifest, no tag and no copy of the blob at the destination. (The upload session jreg
     * cancels may outlive the cancel there: distribution's handler of the aborted PUT can still
     * be writing, and its upload purge removes what it leaves; UploadTest checks the cancel.)
     */
    static void nothingAt(String repository, Descriptor blob) throws Exception {
        Path v2 = destination.storage().resolve("docker/registry/v2");
        assertFalse(Files.exists(v2.resolve("repositories").resolve(repository).resolve("_manifests")),
                "no manifest pushed to " + repository);
        assertEquals(0, destination.countRequests("PUT", "/v2/" + repository + "/manifests/[^ ]+"));
        assertFalse(Files.exists(v2.resolve("blobs/sha256/" + blob.digest().hex().substring(0, 2) + "/"
                + blob.digest().hex())), "no part of the blob stored");
    }

    /** A copy from the source to {@code repository} at the destination fails naming the layer and what came. */
    void assertCopyFails(String repository, String got, String... options) throws Exception {
        String[] args = Stream.concat(Stream.concat(Stream.of("copy", "-q"), Arrays.stream(options)),
                Stream.of(from() + ":1", destination.hostPort() + "/" + repository + ":1")).toArray(String[]::new);
        assertOneLine(run(args), 6, "blob " + LAYER_BLOB.digest() + " from " + from() + ": expected 100000 bytes, got " + got);
        nothingAt(repository, LAYER_BLOB);
    }

    @Test
    void aShortBlobCopiedToARegistryIsNamedWithBothSizes() throws Exception {
        layerBody(Arrays.copyOf(LAYER, 60_000));
        assertCopyFails("short/app", "60000");
    }

    @Test
    void aShortBlobUploadedInChunks() throws Exception {
        layerBody(Arrays.copyOf(LAYER, 60_000));
        assertCopyFails("chunks/app", "60000", "--chunk-size", "16KiB");
    }

    @Test
    void aLongerBlobCopiedToARegistry() throws Exception {
        layerBody(Arrays.copyOf(LAYER, 100_500));
        assertCopyFails("long/app", "more than 100000");
    }

    @Test
    void aShortContentLengthIsRefusedBeforeAnyByte() throws Exception {
        source.stubFor(get(urlEqualTo("/v2/app/blobs/" + LAYER_BLOB.digest())).willReturn(aResponse()
                .withHeader("Content-Length", "60000").withBody(Arrays.copyOf(LAYER, 60_000))));
        assertCopyFails("length/app", "60000 (its Content-Length)");
    }

    @Test
    void aShortBlobPulledIntoTheStore() throws Exception {
        layerBody(Arrays.copyOf(LAYER, 60_000));
        Cli.Result result = run("pull", "-q", from() + ":1");
        assertOneLine(result, 6, "blob " + LAYER_BLOB.digest() + " from " + from() + ": expected 100000 bytes, got 60000");
        OciLayout layout = OciLayout.open(store);
        assertEquals(List.of(), layout.names());
        assertFalse(layout.hasBlob(LAYER_BLOB));
        try (Stream<Path> ingest = Files.list(store.resolve("ingest"))) {
            // The config, cancelled when the layer failed, may keep what came of it for the next run.
            assertEquals(List.of(), ingest.filter(f -> f.getFileName().toString().contains(LAYER_BLOB.digest().hex())
                    && !f.toString().endsWith(".lock")).toList(), "no partial file of the short blob kept");
        }
    }

    /** Cuts a stored blob file to its first {@code keep} bytes, as a damaged disk or a careless hand might. */
    static void truncate(OciLayout layout, Descriptor blob, int keep) throws Exception {
        Path file = layout.blobPath(blob.digest());
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), keep));
    }

    @Test
    void aTruncatedBlobPushedFromTheStore() throws Exception {
        Reference target = Reference.parse(destination.hostPort() + "/pushed/app:1");
        TestImages.Layer built = TestImages.layer(12, 50_000);
        OciLayout layout = OciLayout.open(store);
        TestImages.writeImage(layout, target, Platform.of("linux", "amd64", null), List.of(built));
        truncate(layout, built.descriptor(), 1_000);
        Cli.Result result = run("push", "-q", target.toString());
        assertOneLine(result, 6, "blob " + built.descriptor().digest() + " from local:" + target.familiar() + ": expected "
                + built.descriptor().size() + " bytes, got 1000");
        nothingAt("pushed/app", built.descriptor());
    }

    @Test
    void aTruncatedBlobCopiedFromALayout() throws Exception {
        Path layoutDir = home.resolve("layout");
        TestImages.Layer built = TestImages.layer(13, 50_000);
        OciLayout layout = OciLayout.open(layoutDir);
        TestImages.writeImage(layout, Reference.parse("localhost/x:1"), Platform.of("linux", "amd64", null), List.of(built));
        layout.setName("v1", layout.lookup(Reference.parse("localhost/x:1").toString()).orElseThrow());
        truncate(layout, built.descriptor(), 2_000);
        Cli.Result result = run("copy", "-q", "oci:" + layoutDir + ":v1", destination.hostPort() + "/layout/app:1");
        assertOneLine(result, 6, "blob " + built.descriptor().digest() + " from oci:" + layoutDir + ":v1: expected "
                + built.descriptor().size() + " bytes, got 2000");
        nothingAt("layout/app", built.descriptor());
    }

    @Test
    void aConnectionCutMidBlobNamesTheBlobAndTheBytesThatCame() throws Exception {
        try (DistributionRegistry upstream = DistributionRegistry.open(dir)) {
            Path fixtures = dir.resolve("fixtures");
            TestImages.Layer big = TestImages.layer(14, 1_000_000);
            TestImages.writeImage(OciLayout.open(fixtures), Reference.parse("localhost/f:1"),
                    Platform.of("linux", "amd64", null), List.of(big));
            Skopeo.copy("oci:" + fixtures + ":localhost/f:1", "docker://" + upstream.hostPort() + "/big/app:1");
            try (FaultProxy proxy = new FaultProxy(Integer.parseInt(upstream.hostPort().split(":")[1]), 0)) {
                proxy.cutAfter(300_000);
                Cli.Result result = run("copy", "-q", proxy.hostPort() + "/big/app:1", destination.hostPort() + "/cut/app:1");
                assertEquals(5, result.exitCode(), "a broken connection is a network failure: " + result);
                assertEquals(1, result.err().lines().count(), result::toString);
                assertTrue(result.err().matches("jreg: blob " + big.descriptor().digest() + " from " + proxy.hostPort()
                        + "/big/app: expected " + big.descriptor().size() + " bytes, got \\d+, then the stream failed: "
                        + "unexpected end of stream\n"), result::toString);
                nothingAt("cut/app", big.descriptor());
            }
        }
    }
}
