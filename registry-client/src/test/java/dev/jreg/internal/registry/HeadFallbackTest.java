package dev.jreg.internal.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.headRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.unauthorized;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.core.Options;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.RegistryOptions;
import dev.jreg.RetryPolicy;
import dev.jreg.error.UnauthorizedException;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import dev.jreg.testing.FaultProxy;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Registries that refuse {@code HEAD} where {@code GET} works: every HEAD falls back, as crane and docker do. */
class HeadFallbackTest {
    static final String MANIFEST = RegistryClientTest.MANIFEST;
    static final byte[] BLOB = new byte[4 * 1024 * 1024];
    static final Descriptor BLOB_DESCRIPTOR = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(BLOB), BLOB.length);

    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                    .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.NEVER)).build();

    final RegistryClient client = new RegistryClient(new RegistryOptions(null, Set.of(), null, null, null, null)
            .withRetry(RetryPolicy.NONE));

    @BeforeEach
    void ping() {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
    }

    Reference ref(String tagOrDigest) {
        return Reference.parse("127.0.0.1:" + registry.getPort() + "/demo/app" + tagOrDigest);
    }

    void manifestServedOnlyByGet(int headStatus) {
        registry.stubFor(head(urlEqualTo("/v2/demo/app/manifests/1")).willReturn(aResponse().withStatus(headStatus)));
        registry.stubFor(get(urlEqualTo("/v2/demo/app/manifests/1")).willReturn(aResponse()
                .withHeader("Content-Type", MediaType.OCI_MANIFEST.value()).withBody(MANIFEST)));
    }

    @Test
    void aManifestHeadAnswered405IsAskedAgainWithGet() throws Exception {
        manifestServedOnlyByGet(405);
        Descriptor resolved = client.headManifest(ref(":1")).orElseThrow();
        assertEquals(Digest.sha256(MANIFEST.getBytes(StandardCharsets.UTF_8)), resolved.digest());
        assertEquals(MediaType.OCI_MANIFEST, resolved.mediaType());
        registry.verify(1, headRequestedFor(urlEqualTo("/v2/demo/app/manifests/1")));
        registry.verify(1, getRequestedFor(urlEqualTo("/v2/demo/app/manifests/1"))
                .withHeader("Accept", equalTo(RegistryClient.MANIFEST_ACCEPT)));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 403, 501})
    void otherRefusalsOfHeadFallBackToo(int status) throws Exception {
        manifestServedOnlyByGet(status);
        assertEquals(Digest.sha256(MANIFEST.getBytes(StandardCharsets.UTF_8)),
                client.headManifest(ref(":1")).orElseThrow().digest());
    }

    @Test
    void aManifestMissingOnGetIsEmpty() throws Exception {
        registry.stubFor(head(urlEqualTo("/v2/demo/app/manifests/gone")).willReturn(aResponse().withStatus(405)));
        registry.stubFor(get(urlEqualTo("/v2/demo/app/manifests/gone")).willReturn(aResponse().withStatus(404)));
        assertEquals(Optional.empty(), client.headManifest(ref(":gone")));
    }

    @Test
    void notFoundAndUnauthorizedAreAnswersNotRefusals() throws Exception {
        registry.stubFor(head(urlEqualTo("/v2/demo/app/manifests/none")).willReturn(aResponse().withStatus(404)));
        assertEquals(Optional.empty(), client.headManifest(ref(":none")));
        registry.stubFor(head(urlEqualTo("/v2/demo/app/manifests/secret")).willReturn(unauthorized()));
        assertThrows(UnauthorizedException.class, () -> client.headManifest(ref(":secret")));
        registry.verify(0, getRequestedFor(urlEqualTo("/v2/demo/app/manifests/none")));
        registry.verify(0, getRequestedFor(urlEqualTo("/v2/demo/app/manifests/secret")));
    }

    /** A rate limit is an answer too: a GET would spend more of it (Docker Hub counts GETs, not HEADs). */
    @Test
    void aRateLimitedHeadIsNotSentAgainAsGet() {
        registry.stubFor(head(urlEqualTo("/v2/demo/app/manifests/busy")).willReturn(aResponse().withStatus(429)));
        assertThrows(dev.jreg.error.RateLimitedException.class, () -> client.headManifest(ref(":busy")));
        registry.verify(0, getRequestedFor(urlEqualTo("/v2/demo/app/manifests/busy")));
    }

    @Test
    void aBlobHeadAnswered405IsAGetWhoseBodyIsNotDownloaded() throws Exception {
        String path = "/v2/demo/app/blobs/" + BLOB_DESCRIPTOR.digest();
        registry.stubFor(head(urlEqualTo(path)).willReturn(aResponse().withStatus(405)));
        registry.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withBody(BLOB)));
        // 64 KB/s: reading the 4 MiB body would take a minute and count it all.
        try (FaultProxy slow = new FaultProxy(registry.getPort(), 64 * 1024)) {
            Reference repository = Reference.parse(slow.hostPort() + "/demo/app");
            assertEquals(Optional.of((long) BLOB.length), client.blobSize(repository, BLOB_DESCRIPTOR.digest()));
            assertTrue(client.blobExists(repository, BLOB_DESCRIPTOR, Scope.pullPush("demo/app")));
            assertTrue(slow.downstream() < 1024 * 1024, slow.downstream() + " bytes came down");
        }
        registry.verify(2, getRequestedFor(urlEqualTo(path)).withHeader("Accept-Encoding", equalTo("identity")));
    }

    @Test
    void aBlobMissingOnTheFallbackGetIsMissing() throws Exception {
        Digest other = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));
        String path = "/v2/demo/app/blobs/" + other;
        registry.stubFor(head(urlEqualTo(path)).willReturn(aResponse().withStatus(405)));
        registry.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(404)));
        assertEquals(Optional.empty(), client.blobSize(ref(""), other));
        assertFalse(client.blobExists(ref(""), Descriptor.of(MediaType.OCI_LAYER_GZIP, other, 5), Scope.pull("demo/app")));
        registry.verify(2, headRequestedFor(urlEqualTo(path)));
    }
}
