package dev.jreg.internal.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.unauthorized;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.core.Options;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.RegistryOptions;
import dev.jreg.RetryPolicy;
import dev.jreg.auth.Credentials;
import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.ErrorCode;
import dev.jreg.error.InvalidContentException;
import dev.jreg.error.NotFoundException;
import dev.jreg.error.RateLimitedException;
import dev.jreg.error.RegistryException;
import dev.jreg.error.UnauthorizedException;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Protocol edges of the transport, against WireMock. */
class RegistryClientTest {
    static final String MANIFEST = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
            + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"size\":0},\"layers\":[]}";

    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                    .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.NEVER)).build();
    @RegisterExtension
    static WireMockExtension cdn = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private final List<String> debug = new ArrayList<>();

    private RegistryClient client(Optional<Credentials> credentials) {
        // Retries have their own test; here a retryable status must surface at once.
        return new RegistryClient(new RegistryOptions(registryName -> credentials, Set.of(), "jreg-test", null, null,
                debug::add).withRetry(RetryPolicy.NONE));
    }

    private Reference ref(String path) {
        return Reference.parse("127.0.0.1:" + registry.getPort() + "/" + path);
    }

    private void bearerRegistry() {
        String realm = "http://127.0.0.1:" + registry.getPort() + "/token";
        registry.stubFor(get("/v2/").willReturn(unauthorized()
                .withHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"test-service\"")));
        registry.stubFor(get(urlPathEqualTo("/token")).willReturn(okJson("{\"access_token\":\"tok-123\",\"expires_in\":300}")));
        registry.stubFor(get(urlEqualTo("/v2/lib/app/manifests/1")).withHeader("Authorization", equalTo("Bearer tok-123"))
                .willReturn(aResponse().withHeader("Content-Type", MediaType.OCI_MANIFEST.value()).withBody(MANIFEST)));
        registry.stubFor(get(urlEqualTo("/v2/lib/app/manifests/1")).withHeader("Authorization", absent())
                .willReturn(unauthorized().withHeader("WWW-Authenticate", "Bearer realm=\"" + realm
                        + "\",service=\"test-service\",scope=\"repository:lib/app:pull\"")));
    }

    @Test
    void bearerTokenIsFetchedOnceAndReusedForTheScope() throws Exception {
        bearerRegistry();
        RegistryClient client = client(Optional.empty());

        ManifestBlob first = client.manifest(ref("lib/app:1"));
        ManifestBlob second = client.manifest(ref("lib/app:1"));

        assertEquals(first.digest(), second.digest());
        assertEquals(Digest.sha256(MANIFEST.getBytes(StandardCharsets.UTF_8)), first.digest());
        registry.verify(1, getRequestedFor(urlPathEqualTo("/token"))
                .withQueryParam("service", equalTo("test-service"))
                .withQueryParam("scope", equalTo("repository:lib/app:pull"))
                .withHeader("Authorization", absent()));
        registry.verify(2, getRequestedFor(urlEqualTo("/v2/lib/app/manifests/1"))
                .withHeader("Accept", equalTo(RegistryClient.MANIFEST_ACCEPT)));
        assertTrue(debug.stream().noneMatch(line -> line.contains("tok-123")), "tokens never reach the debug log");
    }

    @Test
    void credentialsGoToTheTokenServerAsBasic() throws Exception {
        bearerRegistry();
        client(Optional.of(Credentials.basic("bob", "pw"))).manifest(ref("lib/app:1"));
        registry.verify(getRequestedFor(urlPathEqualTo("/token"))
                .withHeader("Authorization", equalTo(okhttp3.Credentials.basic("bob", "pw"))));
    }

    @Test
    void identityTokenIsExchangedWithAnOAuth2RefreshGrant() throws Exception {
        bearerRegistry();
        registry.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/token"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("grant_type=refresh_token"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("refresh_token=rt-secret"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("service=test-service"))
                .willReturn(okJson("{\"access_token\":\"tok-123\"}")));
        client(Optional.of(new Credentials(null, null, "rt-secret"))).manifest(ref("lib/app:1"));
        registry.verify(0, getRequestedFor(urlPathEqualTo("/token")));
        assertTrue(debug.stream().noneMatch(line -> line.contains("rt-secret")));
    }

    @Test
    void identityTokenFallsBackToGetWhenPostIsNotServed() throws Exception {
        bearerRegistry();
        registry.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/token"))
                .willReturn(aResponse().withStatus(404)));
        client(Optional.of(new Credentials(null, null, "rt-secret"))).manifest(ref("lib/app:1"));
        registry.verify(getRequestedFor(urlPathEqualTo("/token"))
                .withHeader("Authorization", equalTo(okhttp3.Credentials.basic("<token>", "rt-secret"))));
    }

    @Test
    void insufficientScopeIsLearnedAndRetriedOnce() throws Exception {
        String realm = "http://127.0.0.1:" + registry.getPort() + "/token";
        registry.stubFor(get("/v2/").willReturn(unauthorized()
                .withHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"s\"")));
        registry.stubFor(get(urlPathEqualTo("/token")).withQueryParam("scope", equalTo("repository:lib/app:pull"))
                .willReturn(okJson("{\"token\":\"narrow\"}")));
        registry.stubFor(get(urlPathEqualTo("/token")).withQueryParam("scope", equalTo("repository:lib/app:*"))
                .willReturn(okJson("{\"token\":\"wide\"}")));
        registry.stubFor(get(urlEqualTo("/v2/lib/app/manifests/1")).withHeader("Authorization", equalTo("Bearer narrow"))
                .willReturn(unauthorized().withHeader("WWW-Authenticate", "Bearer realm=\"" + realm
                        + "\",service=\"s\",scope=\"repository:lib/app:*\",error=\"insufficient_scope\"")));
        registry.stubFor(get(urlEqualTo("/v2/lib/app/manifests/1")).withHeader("Authorization", equalTo("Bearer wide"))
                .willReturn(aResponse().withHeader("Content-Type", MediaType.OCI_MANIFEST.value()).withBody(MANIFEST)));

        client(Optional.empty()).manifest(ref("lib/app:1"));

        registry.verify(getRequestedFor(urlPathEqualTo("/token")).withQueryParam("scope", equalTo("repository:lib/app:*")));
    }

    @Test
    void tokenServerRejectionIsUnauthorized() {
        bearerRegistry();
        registry.stubFor(get(urlPathEqualTo("/token")).willReturn(unauthorized()));
        UnauthorizedException e = assertThrows(UnauthorizedException.class,
                () -> client(Optional.of(Credentials.basic("bob", "bad"))).manifest(ref("lib/app:1")));
        assertTrue(e.getMessage().contains("incorrect username or password"), e.getMessage());
        assertFalse(e.getMessage().contains("bad"));
    }

    @Test
    void authorizationIsNotForwardedToAnotherHostOnRedirect() throws Exception {
        byte[] layer = "layer bytes".getBytes(StandardCharsets.UTF_8);
        Descriptor descriptor = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(layer), layer.length);
        registry.stubFor(get("/v2/").willReturn(unauthorized().withHeader("WWW-Authenticate", "Basic realm=\"r\"")));
        registry.stubFor(get(urlEqualTo("/v2/lib/app/blobs/" + descriptor.digest()))
                .withHeader("Authorization", equalTo(okhttp3.Credentials.basic("bob", "pw")))
                .willReturn(aResponse().withStatus(307)
                        .withHeader("Location", "http://localhost:" + cdn.getPort() + "/blob?sig=abc")));
        cdn.stubFor(get(urlPathEqualTo("/blob")).willReturn(aResponse().withBody(layer)));

        try (InputStream in = client(Optional.of(Credentials.basic("bob", "pw"))).blob(ref("lib/app:1"), descriptor)) {
            assertArrayEquals(layer, in.readAllBytes());
        }
        cdn.verify(1, getRequestedFor(urlPathEqualTo("/blob")).withHeader("Authorization", absent()));
        assertTrue(debug.stream().noneMatch(line -> line.contains("sig=abc")), "query strings never reach the log");
    }

    @Test
    void errorBodyMapsToTypedExceptions() {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
        registry.stubFor(get(urlEqualTo("/v2/lib/app/manifests/nope")).willReturn(aResponse().withStatus(404)
                .withBody("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\",\"detail\":{\"Tag\":\"nope\"}}]}")));
        NotFoundException e = assertThrows(NotFoundException.class, () -> client(Optional.empty()).manifest(ref("lib/app:nope")));
        assertEquals(ErrorCode.MANIFEST_UNKNOWN, e.errors().get(0).code());
        assertEquals(ref("lib/app:nope") + ": manifest unknown", e.getMessage());
        assertEquals(404, e.status());
    }

    @Test
    void rateLimitExplainsItself() {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
        registry.stubFor(get(urlEqualTo("/v2/lib/app/manifests/1")).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "60").withBody("Too Many Requests (HAP429).")));
        RateLimitedException e = assertThrows(RateLimitedException.class, () -> client(Optional.empty()).manifest(ref("lib/app:1")));
        assertTrue(e.getMessage().endsWith(" (the registry's rate limit was reached; it asks to retry after 60 s;"
                + " use a registry mirror)"), e.getMessage());
        assertTrue(e.isRetryable());
    }

    @Test
    void unknownErrorCodesAndHtmlBodiesDoNotBreakMapping() {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
        registry.stubFor(get(urlEqualTo("/v2/lib/app/manifests/1")).willReturn(aResponse().withStatus(502)
                .withBody("<html>bad gateway</html>")));
        registry.stubFor(get(urlEqualTo("/v2/lib/app/manifests/2")).willReturn(aResponse().withStatus(400)
                .withBody("{\"errors\":[{\"code\":\"SOMETHING_NEW\",\"message\":\"new thing\"}]}")));
        RegistryException html = assertThrows(RegistryException.class, () -> client(Optional.empty()).manifest(ref("lib/app:1")));
        assertEquals(502, html.status());
        assertTrue(html.getMessage().contains("bad gateway"));
        RegistryException unknown = assertThrows(RegistryException.class, () -> client(Optional.empty()).manifest(ref("lib/app:2")));
        assertEquals(ErrorCode.UNKNOWN, unknown.errors().get(0).code());
        assertEquals("SOMETHING_NEW", unknown.errors().get(0).rawCode());
    }

    @Test
    void oversizedManifestIsRefusedBeforeReadingIt() {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
        byte[] huge = new byte[ManifestBlob.MAX_SIZE + 10];
        java.util.Arrays.fill(huge, (byte) ' ');
        registry.stubFor(get(urlEqualTo("/v2/lib/app/manifests/big")).willReturn(aResponse().withBody(huge)));
        InvalidContentException e = assertThrows(InvalidContentException.class,
                () -> client(Optional.empty()).manifest(ref("lib/app:big")));
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void manifestFetchedByDigestMustHashToIt() {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
        Digest other = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
        registry.stubFor(get(urlEqualTo("/v2/lib/app/manifests/" + other)).willReturn(aResponse().withBody(MANIFEST)));
        assertThrows(DigestMismatchException.class,
                () -> client(Optional.empty()).manifest(ref("lib/app@" + other)));
    }

    @Test
    void blobWhoseLengthDiffersFromItsDescriptorIsRefused() {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
        Descriptor descriptor = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(new byte[10]), 10);
        registry.stubFor(get(urlEqualTo("/v2/lib/app/blobs/" + descriptor.digest()))
                .willReturn(aResponse().withBody(new byte[11])));
        assertThrows(DigestMismatchException.class, () -> client(Optional.empty()).blob(ref("lib/app:1"), descriptor));
    }

    @Test
    void rangeIsTakenOnlyAs206WithTheMatchingContentRange() throws Exception {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
        byte[] bytes = "0123456789".getBytes(StandardCharsets.US_ASCII);
        Descriptor d = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(bytes), bytes.length);
        String path = "/v2/lib/app/blobs/" + d.digest();
        registry.stubFor(get(urlEqualTo(path)).withHeader("Range", equalTo("bytes=4-")).willReturn(aResponse().withStatus(206)
                .withHeader("Content-Range", "bytes 4-9/10").withBody("456789")));
        registry.stubFor(get(urlEqualTo(path)).withHeader("Range", equalTo("bytes=6-")).willReturn(aResponse().withBody(bytes)));
        registry.stubFor(get(urlEqualTo(path)).withHeader("Range", equalTo("bytes=8-")).willReturn(aResponse().withStatus(206)
                .withHeader("Content-Range", "bytes 0-9/10").withBody(bytes)));
        registry.stubFor(get(urlEqualTo(path)).withHeader("Range", absent()).willReturn(aResponse().withBody(bytes)));
        RegistryClient client = client(Optional.empty());

        dev.jreg.internal.store.BlobRange resumed = client.blobFrom(ref("lib/app:1"), d, 4);
        assertEquals(4, resumed.offset());
        assertArrayEquals("456789".getBytes(StandardCharsets.US_ASCII), resumed.stream().readAllBytes());
        dev.jreg.internal.store.BlobRange ignored = client.blobFrom(ref("lib/app:1"), d, 6);
        assertEquals(0, ignored.offset(), "a 200 means the range was ignored: start over");
        assertArrayEquals(bytes, ignored.stream().readAllBytes());
        dev.jreg.internal.store.BlobRange wrong = client.blobFrom(ref("lib/app:1"), d, 8);
        assertEquals(0, wrong.offset(), "a Content-Range that does not start where asked is not a resume");
        assertArrayEquals(bytes, wrong.stream().readAllBytes());
    }

    @Test
    void pingThatIsNotARegistryIsAClearError() {
        registry.stubFor(get("/v2/").willReturn(aResponse().withStatus(404)));
        RegistryException e = assertThrows(RegistryException.class, () -> client(Optional.empty()).manifest(ref("lib/app:1")));
        assertTrue(e.getMessage().contains("no registry API"), e.getMessage());
    }

    @Test
    void loopbackIsRecognised() {
        assertTrue(Loopback.isLoopback("localhost:5000"));
        assertTrue(Loopback.isLoopback("127.0.0.1"));
        assertTrue(Loopback.isLoopback("127.1.2.3:80"));
        assertTrue(Loopback.isLoopback("[::1]:5000"));
        assertFalse(Loopback.isLoopback("128.0.0.1"));
        assertFalse(Loopback.isLoopback("localhost.example.com"));
        assertFalse(Loopback.isLoopback("127.0.0.1.nip.io"));
    }

    @Test
    void plainHttpOnlyForLoopbackAndInsecureHosts() {
        RegistryOptions options = new RegistryOptions(null, Set.of("insecure.example:5000"), null, null, null, null);
        assertTrue(RegistryHttp.allowsPlainHttp(options, "127.0.0.1:5000"));
        assertTrue(RegistryHttp.allowsPlainHttp(options, "localhost"));
        assertTrue(RegistryHttp.allowsPlainHttp(options, "insecure.example:5000"));
        assertFalse(RegistryHttp.allowsPlainHttp(options, "registry-1.docker.io"));
        assertFalse(RegistryHttp.allowsPlainHttp(options, "insecure.example:6000"));
        assertFalse(RegistryHttp.allowsPlainHttp(options, "10.0.0.1:5000"));
    }

    @Test
    void credentialsAreNotSentToAPlainHttpRealmOfAnotherHost() {
        registry.stubFor(get("/v2/").willReturn(unauthorized().withHeader("WWW-Authenticate",
                "Bearer realm=\"http://auth.example.invalid/token\",service=\"s\"")));
        java.io.IOException e = assertThrows(java.io.IOException.class,
                () -> client(Optional.of(Credentials.basic("bob", "pw"))).manifest(ref("lib/app:1")));
        assertTrue(e.getMessage().contains("refusing to send credentials over plain HTTP"), e.getMessage());
    }

    @Test
    void plainHttpRealmForAnHttpsRegistryIsRefused() {
        TokenClient tokens = new TokenClient((registry, realm) -> new okhttp3.OkHttpClient(), RegistryOptions.defaults());
        Challenge challenge = new Challenge("bearer", "http://auth.example/token", "s", null, null);
        java.io.IOException e = assertThrows(java.io.IOException.class,
                () -> tokens.fetch(okhttp3.HttpUrl.get("https://registry.example/"), challenge, Scope.pull("a"), null));
        assertTrue(e.getMessage().contains("plain HTTP for an HTTPS registry"), e.getMessage());
    }

    @Test
    void insecureMatchesHostWithOrWithoutPort() {
        RegistryOptions options = new RegistryOptions(null, Set.of("Registry.Local", "other:5000"), null, null, null, null);
        assertTrue(RegistryHttp.isInsecure(options, "registry.local:443"));
        assertTrue(RegistryHttp.isInsecure(options, "other:5000"));
        assertFalse(RegistryHttp.isInsecure(options, "other:6000"));
    }
}
