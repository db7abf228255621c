package dev.jreg.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import dev.jreg.testing.JregProcess;
import dev.jreg.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that cannot take more bytes: the pull stops at once with the file and the system's
 * reason, and keeps what it wrote for the next run. /dev/full answers every write with ENOSPC, as a
 * full disk does, and a file size limit makes a write fail half-way through a blob.
 */
class StoreFullTest {
    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path home;
    @TempDir
    Path store;

    TestImages.Layer layer;

    @BeforeEach
    void serveAnImage() throws Exception {
        layer = TestImages.layer(91, 1_000_000);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        Descriptor configDescriptor = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256(config), config.length);
        ManifestBlob manifest = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null, configDescriptor,
                List.of(layer.descriptor()), null, null));
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
        registry.stubFor(any(urlEqualTo("/v2/demo/app/manifests/1")).willReturn(aResponse().withBody(manifest.bytes())
                .withHeader("Content-Type", manifest.mediaType().value())
                .withHeader("Docker-Content-Digest", manifest.digest().toString())));
        registry.stubFor(get(urlEqualTo("/v2/demo/app/blobs/" + configDescriptor.digest())).willReturn(aResponse()
                .withBody(config)));
        registry.stubFor(get(urlEqualTo("/v2/demo/app/blobs/" + layer.descriptor().digest())).willReturn(aResponse()
                .withBody(layer.bytes())));
    }

    String image() {
        return "127.0.0.1:" + registry.getPort() + "/demo/app:1";
    }

    Path partial() throws Exception {
        Digest digest = layer.descriptor().digest();
        return OciLayout.open(store).root().resolve("ingest/" + digest.algorithm() + "-" + digest.hex() + ".partial");
    }

    @Test
    void noSpaceLeftOnDeviceNamesThePartialDownloadAndKeepsItForTheNextRun() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "no /dev/full here");
        Path partial = partial();
        Files.createSymbolicLink(partial, Path.of("/dev/full"));

        Cli.Result full = new Cli(home, store).run("pull", image());

        assertEquals(1, full.exitCode(), full::toString);
        assertTrue(full.err().endsWith("jreg: cannot write " + partial + ": No space left on device; the partial download"
                + " (0 of " + layer.descriptor().size() + " bytes) is kept for the next run\n"), full::toString);
        assertTrue(Files.isSymbolicLink(partial), "kept");
        assertTrue(OciLayout.open(store).lookup(Reference.parse(image())).isEmpty(), "no name for an incomplete image");

        Files.delete(partial); // room again
        Cli.Result again = new Cli(home, store).run("pull", image());
        assertEquals(0, again.exitCode(), again::toString);
        assertTrue(OciLayout.open(store).hasBlob(layer.descriptor()));
    }

    @Test
    void aWriteThatFailsHalfWayKeepsTheBytesWrittenAndTheNextPullCompletesTheBlob() throws Exception {
        Path log = home.resolve("pull.log");
        Process pull = JregProcess.startWithFileSizeLimit(Map.of("JREG_HOME", store.toString(), "HOME", home.toString()), log,
                512, "pull", image());
        assertTrue(pull.waitFor(60, TimeUnit.SECONDS), "the pull ends");
        String output = Files.readString(log);
        assertEquals(1, pull.exitValue(), output);

        Path partial = partial();
        long kept = Files.size(partial);
        assertTrue(kept > 0 && kept < layer.descriptor().size(), "part of the blob: " + kept);
        assertArrayEquals(Arrays.copyOf(layer.bytes(), (int) kept), Files.readAllBytes(partial), "the blob's first bytes");
        assertTrue(output.endsWith("jreg: cannot write " + partial + ": File too large; the partial download (" + kept
                + " of " + layer.descriptor().size() + " bytes) is kept for the next run\n"), output);
        assertEquals(1, registry.findAll(getRequestedFor(
                urlEqualTo("/v2/demo/app/blobs/" + layer.descriptor().digest()))).size(), "not asked again: " + output);

        Cli.Result again = new Cli(home, store).run("pull", image());
        assertEquals(0, again.exitCode(), again::toString);
        assertArrayEquals(layer.bytes(), Files.readAllBytes(OciLayout.open(store).blobPath(layer.descriptor().digest())));
    }
}
