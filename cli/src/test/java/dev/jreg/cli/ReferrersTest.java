package dev.jreg.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.TestImages;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jreg referrers}: on the real distribution registry, which has no referrers API, the
 * spec's fallback index tagged {@code sha256-HEX} and cosign's {@code sha256-HEX.sig} tag; on a
 * registry that has the API, its answer, and no look at the fallback tag.
 */
class ReferrersTest {
    static final String SBOM = "application/spdx+json";
    static final String SIGNATURE = "application/vnd.dev.cosign.artifact.sig.v1+json";

    @RegisterExtension
    static WireMockExtension wiremock = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path work;

    Cli cli() {
        return new Cli(home, store);
    }

    /** An artifact manifest: the empty config and one empty layer, of this type, referring to {@code subject} if given. */
    static ManifestBlob artifact(OciLayout layout, String type, Descriptor subject) throws Exception {
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        Descriptor emptyBlob = Descriptor.of(MediaType.OCI_EMPTY, Digest.sha256(empty), empty.length);
        layout.putBlob(emptyBlob, () -> new ByteArrayInputStream(empty));
        ManifestBlob manifest = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, type, emptyBlob,
                List.of(emptyBlob), subject, Map.of("org.opencontainers.image.created", TestImages.CREATED)));
        layout.putBytes(manifest.digest(), manifest.bytes());
        return manifest;
    }

    static Descriptor typed(ManifestBlob manifest, String type) {
        Descriptor d = manifest.descriptor();
        return new Descriptor(d.mediaType(), d.digest(), d.size(), null, Map.of(), List.of(), type);
    }

    @Test
    @ExtendWith(RealRegistryCondition.class)
    void theFallbackTagAndCosignsTagOnARegistryWithoutTheApi() throws Exception {
        try (DistributionRegistry registry = DistributionRegistry.open(work.resolve("registry"))) {
            OciLayout layout = OciLayout.open(work.resolve("layout"));
            ManifestBlob image = TestImages.writeImage(layout, Reference.parse("localhost/demo/app:1"),
                    Platform.of("linux", "amd64", null), List.of(TestImages.layer(7, 2000)));
            ManifestBlob sbom = artifact(layout, SBOM, image.descriptor());
            ManifestBlob signature = artifact(layout, SIGNATURE, null);
            layout.setName("sig", signature.descriptor());
            ManifestBlob fallback = ManifestBlob.create(new ImageIndex(2, MediaType.OCI_INDEX, null,
                    List.of(typed(sbom, SBOM)), null, Map.of()));
            layout.putBytes(fallback.digest(), fallback.bytes());
            layout.setName("fallback", fallback.descriptor());

            String repo = registry.hostPort() + "/demo/app";
            String tag = "sha256-" + image.digest().hex();
            cli().ok("copy", "-q", "oci:" + layout.root() + ":localhost/demo/app:1", repo + ":1");
            cli().ok("copy", "-q", "oci:" + layout.root() + ":sig", repo + ":" + tag + ".sig");
            cli().ok("copy", "-q", "oci:" + layout.root() + ":fallback", repo + ":" + tag);

            List<String> rows = cli().ok("referrers", repo + ":1").out().lines().toList();
            assertEquals(List.of("DIGEST", "TYPE", "SIZE", "FOUND", "BY"), List.of(rows.get(0).split("\\s+")));
            assertEquals(3, rows.size(), rows.toString());
            assertTrue(rows.get(1).startsWith("sha256:" + sbom.digest().shortHex()) && rows.get(1).contains(SBOM)
                    && rows.get(1).endsWith("referrers tag"), rows.get(1));
            assertTrue(rows.get(2).startsWith("sha256:" + signature.digest().shortHex()) && rows.get(2).contains(
                    SIGNATURE.substring(0, 27)) && rows.get(2).endsWith("tag sha256-….sig"), rows.get(2));
            assertTrue(rows.stream().allMatch(row -> row.length() <= 80), rows.toString());

            List<JsonNode> json = new java.util.ArrayList<>();
            for (String line : cli().ok("referrers", "--format", "json", repo + "@" + image.digest()).out().lines().toList()) {
                json.add(Json.parse(line.getBytes(StandardCharsets.UTF_8)));
            }
            assertEquals(2, json.size());
            assertEquals(sbom.digest().toString(), json.get(0).path("Digest").asText());
            assertEquals(SBOM, json.get(0).path("ArtifactType").asText());
            assertEquals("referrers tag", json.get(0).path("FoundBy").asText());
            assertEquals("tag " + tag + ".sig", json.get(1).path("FoundBy").asText());
            assertEquals(signature.size(), json.get(1).path("Size").asLong());
            assertEquals(SIGNATURE, json.get(1).path("ArtifactType").asText());

            ManifestBlob lone = TestImages.writeImage(layout, Reference.parse("localhost/demo/app:2"),
                    Platform.of("linux", "amd64", null), List.of(TestImages.layer(8, 2000)));
            cli().ok("copy", "-q", "oci:" + layout.root() + ":localhost/demo/app:2", repo + ":2");
            assertEquals("DIGEST   TYPE   SIZE   FOUND BY\n", cli().ok("referrers", repo + ":2").out(),
                    "nothing refers to it: " + lone.digest());
            Cli.Result missing = cli().run("referrers", repo + ":nope");
            assertEquals(3, missing.exitCode(), missing::toString);
        }
    }

    @Test
    void theReferrersApiWhereTheRegistryHasIt() throws Exception {
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"sha256:"
                + "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},\"layers\":[]}")
                .getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256(manifest);
        wiremock.stubFor(get("/v2/").willReturn(okJson("{}")));
        wiremock.stubFor(any(urlEqualTo("/v2/demo/app/manifests/1")).willReturn(aResponse().withBody(manifest)
                .withHeader("Content-Type", MediaType.OCI_MANIFEST.value())
                .withHeader("Docker-Content-Digest", digest.toString())));
        String referrer = "sha256:" + "ab".repeat(32);
        wiremock.stubFor(get("/v2/demo/app/referrers/" + digest).willReturn(aResponse()
                .withHeader("Content-Type", MediaType.OCI_INDEX.value())
                .withBody("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":"
                        + "[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + referrer
                        + "\",\"size\":512,\"artifactType\":\"" + SBOM + "\"}]}")));
        wiremock.stubFor(get(urlEqualTo("/v2/demo/app/tags/list"))
                .willReturn(okJson("{\"name\":\"demo/app\",\"tags\":[\"1\",\"sha256-" + digest.hex() + "\"]}")));

        JsonNode found = Json.parse(cli().ok("referrers", "--format", "json", "127.0.0.1:" + wiremock.getPort()
                + "/demo/app:1").bytes());
        assertEquals(referrer, found.path("Digest").asText());
        assertEquals(SBOM, found.path("ArtifactType").asText());
        assertEquals("referrers API", found.path("FoundBy").asText());
        wiremock.verify(0, getRequestedFor(urlEqualTo("/v2/demo/app/manifests/sha256-" + digest.hex())));
    }
}
