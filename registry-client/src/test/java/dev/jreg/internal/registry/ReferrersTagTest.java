package dev.jreg.internal.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.RegistryOptions;
import dev.jreg.UploadOptions;
import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.store.ImageSink;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A manifest with a {@code subject}: a registry's {@code OCI-Subject} answer says it indexed it;
 * without one the client keeps the subject's referrers tag (OCI distribution spec 1.1, "Pushing
 * Manifests with Subject").
 */
class ReferrersTagTest {
    static final Descriptor SUBJECT = Descriptor.of(MediaType.OCI_MANIFEST, Digest.sha256(new byte[] {1}), 1);
    static final byte[] EMPTY = "{}".getBytes(StandardCharsets.UTF_8);
    static final Descriptor CONFIG = Descriptor.of(MediaType.OCI_EMPTY, Digest.sha256(EMPTY), 2);
    static final String TAG = "/v2/app/manifests/sha256-" + SUBJECT.digest().hex();

    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    RegistryClient client = new RegistryClient(RegistryOptions.defaults());

    @BeforeEach
    void ping() {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
    }

    Reference app() {
        return Reference.parse("127.0.0.1:" + registry.getPort() + "/app:1");
    }

    static ManifestBlob artifact(Descriptor subject) throws Exception {
        return ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, "application/vnd.example.sbom", CONFIG,
                List.of(CONFIG), subject, Map.of("org.example.k", "v")));
    }

    /** The manifests the sink reports unindexed, when the registry answers each PUT with these headers. */
    List<ManifestBlob> unindexed(ManifestBlob manifest, boolean ociSubject) throws Exception {
        registry.stubFor(put("/v2/app/manifests/" + manifest.digest()).willReturn(ociSubject
                ? aResponse().withStatus(201).withHeader("OCI-Subject", SUBJECT.digest().toString())
                : aResponse().withStatus(201)));
        List<ManifestBlob> told = new ArrayList<>();
        try (ImageSink sink = client.sink(app().withDigest(manifest.digest()), UploadOptions.monolithic(), told::add)) {
            sink.putManifest(manifest);
        }
        return told;
    }

    @Test
    void onlyASubjectTheRegistryDidNotAcknowledgeIsReported() throws Exception {
        ManifestBlob referrer = artifact(SUBJECT);
        assertEquals(List.of(), unindexed(referrer, true));
        assertEquals(List.of(referrer.digest()), unindexed(referrer, false).stream().map(ManifestBlob::digest).toList());
        assertEquals(List.of(), unindexed(artifact(null), false));
    }

    @Test
    void theReferrersTagStartsEmptyThenGrowsByDigestOnce() throws Exception {
        ManifestBlob first = artifact(SUBJECT);
        registry.stubFor(any(urlEqualTo(TAG)).willReturn(aResponse().withStatus(404)));
        registry.stubFor(put(TAG).willReturn(aResponse().withStatus(201)));
        client.addToReferrersTag(app(), first);
        byte[] written = registry.findAll(putRequestedFor(urlEqualTo(TAG))).get(0).getBody();
        ImageIndex index = (ImageIndex) ManifestBlob.of(written, MediaType.OCI_INDEX.value()).manifest();
        Descriptor listed = index.manifests().get(0);
        assertEquals(List.of(first.digest()), index.manifests().stream().map(Descriptor::digest).toList());
        assertEquals("application/vnd.example.sbom", listed.artifactType());
        assertEquals(Map.of("org.example.k", "v"), listed.annotations());
        assertEquals(first.size(), listed.size());

        // Already listed: nothing written. A second referrer: appended after the first.
        registry.resetRequests();
        registry.stubFor(any(urlEqualTo(TAG)).willReturn(aResponse().withBody(written)
                .withHeader("Content-Type", MediaType.OCI_INDEX.value())
                .withHeader("Docker-Content-Digest", Digest.sha256(written).toString())));
        registry.stubFor(put(TAG).willReturn(aResponse().withStatus(201)));
        client.addToReferrersTag(app(), first);
        assertEquals(0, registry.findAll(putRequestedFor(urlEqualTo(TAG))).size());
        ManifestBlob second = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null,
                Descriptor.of(MediaType.of("application/vnd.example.config"), CONFIG.digest(), 2), List.of(), SUBJECT,
                Map.of()));
        client.addToReferrersTag(app(), second);
        JsonNode grown = Json.parse(registry.findAll(putRequestedFor(urlEqualTo(TAG))).get(0).getBody());
        assertEquals(2, grown.path("manifests").size());
        assertEquals("application/vnd.example.config", grown.path("manifests").get(1).path("artifactType").asText(),
                "an image's config media type stands for its artifact type");
    }

    @Test
    void aTagThatIsNoIndexIsRefusedAndLeftAlone() throws Exception {
        byte[] image = artifact(null).bytes();
        registry.stubFor(any(urlEqualTo(TAG)).willReturn(aResponse().withBody(image)
                .withHeader("Content-Type", MediaType.OCI_MANIFEST.value())
                .withHeader("Docker-Content-Digest", Digest.sha256(image).toString())));
        assertThrows(InvalidContentException.class, () -> client.addToReferrersTag(app(), artifact(SUBJECT)));
        assertEquals(0, registry.findAll(putRequestedFor(urlEqualTo(TAG))).size());
    }
}
