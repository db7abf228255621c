package dev.jreg.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A registry that serves a blob whose bytes do not match its digest: nothing may enter the store. */
class DigestMismatchTest {
    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path home;
    @TempDir
    Path store;

    @Test
    void corruptLayerIsRejectedAndLeavesNothing() throws Exception {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        byte[] promised = "the layer the manifest promises".getBytes(StandardCharsets.UTF_8);
        byte[] served = "the layer an attacker serves!!!".getBytes(StandardCharsets.UTF_8);
        assertEquals(promised.length, served.length, "same size, so only the digest can tell");
        Descriptor configDescriptor = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256(config), config.length);
        Descriptor layer = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(promised), promised.length);
        ManifestBlob manifest = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null, configDescriptor,
                List.of(layer), null, null));

        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
        registry.stubFor(get("/v2/app/manifests/1").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", MediaType.OCI_MANIFEST.value()).withBody(manifest.bytes())));
        registry.stubFor(get(urlEqualTo("/v2/app/blobs/" + configDescriptor.digest()))
                .willReturn(aResponse().withStatus(200).withBody(config)));
        registry.stubFor(get(urlEqualTo("/v2/app/blobs/" + layer.digest()))
                .willReturn(aResponse().withStatus(200).withBody(served)));

        String ref = "127.0.0.1:" + registry.getPort() + "/app:1";
        Cli.Result result = new Cli(home, store).run("pull", ref);

        assertEquals(6, result.exitCode(), result::toString);
        assertTrue(result.err().contains("jreg: blob digest mismatch: expected " + layer.digest()), result::toString);
        LocalStore layout = LocalStore.open(store);
        assertFalse(Files.exists(layout.blobPath(layer.digest())), "no file under the layer's digest");
        assertTrue(layout.lookup(Reference.parse(ref)).isEmpty(), "the name is not recorded");
        try (var ingest = Files.list(store.resolve("ingest"))) {
            assertEquals(0, ingest.filter(f -> !f.toString().endsWith(".lock")).count(), "no partial file left");
        }
    }
}
