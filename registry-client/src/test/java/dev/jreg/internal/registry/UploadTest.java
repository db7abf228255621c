package dev.jreg.internal.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.core.Options;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.RegistryOptions;
import dev.jreg.UploadOptions;
import dev.jreg.error.DigestMismatchException;
import dev.jreg.internal.store.ImageSink;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The upload protocol's edges: chunks, 416 recovery, Location forms, fallback, mounts, sources of the wrong size. */
class UploadTest {
    static final byte[] BYTES = "0123456789".getBytes(StandardCharsets.US_ASCII);
    static final Descriptor BLOB = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(BYTES), BYTES.length);

    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                    .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.NEVER)).build();

    final AtomicInteger opened = new AtomicInteger();

    @BeforeEach
    void ping() {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
    }

    ImageSink sink(long chunkSize) {
        return new RegistryClient(RegistryOptions.defaults())
                .sink(Reference.parse("127.0.0.1:" + registry.getPort() + "/app:1"), new UploadOptions(chunkSize));
    }

    InputStream open() {
        opened.incrementAndGet();
        return new ByteArrayInputStream(BYTES);
    }

    String digestQuery() {
        return "digest=" + BLOB.digest().toString().replace(":", "%3A");
    }

    @Test
    void chunksResumeAfterA416FromWhatTheRegistryHas() throws Exception {
        String absolute = "http://127.0.0.1:" + registry.getPort();
        registry.stubFor(post("/v2/app/blobs/uploads/").willReturn(aResponse().withStatus(202)
                .withHeader("Location", "/upload/1?_state=a").withHeader("OCI-Chunk-Min-Length", "4")));
        registry.stubFor(patch(urlEqualTo("/upload/1?_state=a")).withHeader("Content-Range", equalTo("0-3"))
                .withRequestBody(binaryEqualTo("0123".getBytes(StandardCharsets.US_ASCII)))
                .willReturn(aResponse().withStatus(202).withHeader("Location", absolute + "/upload/2?_state=b")));
        registry.stubFor(patch(urlEqualTo("/upload/2?_state=b")).withHeader("Content-Range", equalTo("4-7"))
                .willReturn(aResponse().withStatus(416)));
        registry.stubFor(get(urlEqualTo("/upload/2?_state=b"))
                .willReturn(aResponse().withStatus(204).withHeader("Range", "0-5")));
        registry.stubFor(patch(urlEqualTo("/upload/2?_state=b")).withHeader("Content-Range", equalTo("6-7"))
                .withRequestBody(binaryEqualTo("67".getBytes(StandardCharsets.US_ASCII)))
                .willReturn(aResponse().withStatus(202).withHeader("Location", "/upload/3?_state=c")));
        registry.stubFor(patch(urlEqualTo("/upload/3?_state=c")).withHeader("Content-Range", equalTo("8-9"))
                .willReturn(aResponse().withStatus(202).withHeader("Location", "upload/4?_state=d")));
        registry.stubFor(put(urlEqualTo("/upload/upload/4?_state=d&" + digestQuery())).willReturn(aResponse().withStatus(201)));

        sink(3).putBlob(BLOB, this::open);

        // A relative Location resolves against the request URL, as RFC 3986 says.
        registry.verify(putRequestedFor(urlEqualTo("/upload/upload/4?_state=d&" + digestQuery())));
        registry.verify(1, patchRequestedFor(urlPathEqualTo("/upload/3")));
        assertEquals(1, opened.get(), "the source is read once; the resent bytes come from the chunk buffer");
    }

    @Test
    void monolithicUploadStreamsOnePutWithTheDigest() throws Exception {
        registry.stubFor(post("/v2/app/blobs/uploads/").willReturn(aResponse().withStatus(202)
                .withHeader("Location", "/upload/m?_state=x")));
        registry.stubFor(put(urlEqualTo("/upload/m?_state=x&" + digestQuery()))
                .withHeader("Content-Length", equalTo("10"))
                .withRequestBody(binaryEqualTo(BYTES))
                .willReturn(aResponse().withStatus(201)));

        sink(0).putBlob(BLOB, this::open);

        registry.verify(putRequestedFor(urlEqualTo("/upload/m?_state=x&" + digestQuery())));
        registry.verify(0, patchRequestedFor(urlPathEqualTo("/upload/m")));
    }

    @Test
    void refusedMonolithicUploadFallsBackToChunksInANewSession() throws Exception {
        registry.stubFor(post("/v2/app/blobs/uploads/").inScenario("fallback").whenScenarioStateIs("Started")
                .willReturn(aResponse().withStatus(202).withHeader("Location", "/first")).willSetStateTo("refused"));
        registry.stubFor(put(urlPathEqualTo("/first")).willReturn(aResponse().withStatus(413)));
        registry.stubFor(post("/v2/app/blobs/uploads/").inScenario("fallback").whenScenarioStateIs("refused")
                .willReturn(aResponse().withStatus(202).withHeader("Location", "/second")));
        registry.stubFor(patch(urlEqualTo("/second")).withHeader("Content-Range", equalTo("0-9"))
                .willReturn(aResponse().withStatus(202).withHeader("Location", "/second?after=patch")));
        registry.stubFor(put(urlEqualTo("/second?after=patch&" + digestQuery())).willReturn(aResponse().withStatus(201)));

        sink(0).putBlob(BLOB, this::open);

        registry.verify(2, postRequestedFor(urlEqualTo("/v2/app/blobs/uploads/")));
        registry.verify(putRequestedFor(urlEqualTo("/second?after=patch&" + digestQuery())));
        assertEquals(2, opened.get(), "the source is opened again for the second strategy");
    }

    @Test
    void aSourceShorterThanTheBlobFailsNamingBothSizesAndCancelsTheUpload() throws Exception {
        registry.stubFor(post("/v2/app/blobs/uploads/").willReturn(aResponse().withStatus(202)
                .withHeader("Location", "/upload/s?_state=x")));
        registry.stubFor(delete(urlEqualTo("/upload/s?_state=x")).willReturn(aResponse().withStatus(204)));

        DigestMismatchException e = assertThrows(DigestMismatchException.class,
                () -> sink(0).putBlob(BLOB, () -> new ByteArrayInputStream(BYTES, 0, 6)));

        assertEquals("blob " + BLOB.digest() + ": expected 10 bytes, got 6", e.getMessage());
        registry.verify(deleteRequestedFor(urlEqualTo("/upload/s?_state=x")));
        registry.verify(0, putRequestedFor(urlPathEqualTo("/upload/s")).withQueryParam("digest", matching(".+"))
                .withHeader("Content-Length", equalTo("6")));
    }

    @Test
    void aSourceLongerThanTheBlobFailsInChunksAndCancelsWhereTheUploadGotTo() throws Exception {
        registry.stubFor(post("/v2/app/blobs/uploads/").willReturn(aResponse().withStatus(202)
                .withHeader("Location", "/upload/l?_state=a")));
        registry.stubFor(patch(urlEqualTo("/upload/l?_state=a"))
                .willReturn(aResponse().withStatus(202).withHeader("Location", "/upload/l?_state=b")));
        registry.stubFor(delete(urlEqualTo("/upload/l?_state=b")).willReturn(aResponse().withStatus(204)));
        byte[] longer = "0123456789+".getBytes(StandardCharsets.US_ASCII);

        DigestMismatchException e = assertThrows(DigestMismatchException.class,
                () -> sink(10).putBlob(BLOB, () -> new ByteArrayInputStream(longer)));

        assertEquals("blob " + BLOB.digest() + ": expected 10 bytes, got more than 10", e.getMessage());
        registry.verify(deleteRequestedFor(urlEqualTo("/upload/l?_state=b")));
        registry.verify(0, putRequestedFor(urlPathEqualTo("/upload/l")));
    }

    @Test
    void mountAnswered202UploadsIntoTheSessionItOpened() throws Exception {
        registry.stubFor(post(urlPathEqualTo("/v2/app/blobs/uploads/")).withQueryParam("mount", equalTo(BLOB.digest().toString()))
                .withQueryParam("from", equalTo("other/repo"))
                .willReturn(aResponse().withStatus(202).withHeader("Location", "/from-mount")));
        registry.stubFor(put(urlEqualTo("/from-mount?" + digestQuery())).willReturn(aResponse().withStatus(201)));
        ImageSink sink = sink(0);
        List<Reference> origin = List.of(Reference.parse("127.0.0.1:" + registry.getPort() + "/other/repo:1"));

        assertTrue(sink.mountBlob(BLOB, origin).isEmpty());
        sink.putBlob(BLOB, this::open);

        registry.verify(1, postRequestedFor(urlPathEqualTo("/v2/app/blobs/uploads/")));
        registry.verify(putRequestedFor(urlEqualTo("/from-mount?" + digestQuery())));
    }

    @Test
    void mountIsOnlyTriedInsideOneRegistry() throws Exception {
        List<Reference> elsewhere = List.of(Reference.parse("other.example:5000/other/repo:1"));
        assertTrue(sink(0).mountBlob(BLOB, elsewhere).isEmpty());
        registry.verify(0, postRequestedFor(urlPathEqualTo("/v2/app/blobs/uploads/")));
    }

    @Test
    void mountThatSucceedsNamesItsOrigin() throws Exception {
        registry.stubFor(post(urlPathEqualTo("/v2/app/blobs/uploads/")).withQueryParam("mount", equalTo(BLOB.digest().toString()))
                .willReturn(aResponse().withStatus(201)));
        Reference origin = Reference.parse("127.0.0.1:" + registry.getPort() + "/other/repo:1");
        assertEquals(Optional.of(origin), sink(0).mountBlob(BLOB, List.of(origin)));
    }
}
