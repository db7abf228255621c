package dev.jreg.internal.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.jreg.RegistryOptions;
import dev.jreg.RetryPolicy;
import dev.jreg.error.RateLimitedException;
import dev.jreg.error.UnreachableException;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retries with backoff and Retry-After, bounded; delays are recorded, not slept. */
class RetryTest {
    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    final List<Duration> slept = new ArrayList<>();
    final List<String> debug = new ArrayList<>();
    final List<String> notices = new ArrayList<>();

    @BeforeEach
    void ping() {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
    }

    RegistryClient client(int attempts) {
        RetryPolicy policy = RetryPolicy.DEFAULT.withAttempts(attempts).withSleeper(slept::add).withNotices(notices::add);
        return new RegistryClient(RegistryOptions.defaults().withRetry(policy));
    }

    Reference ref() {
        return Reference.parse("127.0.0.1:" + registry.getPort() + "/app:1");
    }

    void failThenSucceed(int failures, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder failure) {
        String state = Scenario.STARTED;
        for (int i = 0; i < failures; i++) {
            registry.stubFor(get(urlEqualTo("/v2/app/manifests/1")).inScenario("flaky").whenScenarioStateIs(state)
                    .willReturn(failure).willSetStateTo("failed-" + i));
            state = "failed-" + i;
        }
        registry.stubFor(get(urlEqualTo("/v2/app/manifests/1")).inScenario("flaky").whenScenarioStateIs(state)
                .willReturn(aResponse().withHeader("Content-Type", MediaType.OCI_MANIFEST.value())
                        .withBody(RegistryClientTest.MANIFEST)));
    }

    @Test
    void aBodyThatStallsTimesOutAfterTheReadTimeout() throws Exception {
        byte[] bytes = new byte[64 * 1024];
        Descriptor blob = new Descriptor(MediaType.OCI_LAYER_GZIP, Digest.sha256(bytes), bytes.length,
                null, null, null, null);
        registry.stubFor(get(urlEqualTo("/v2/app/blobs/" + blob.digest())).willReturn(aResponse()
                .withHeader("Content-Length", String.valueOf(bytes.length)).withBody(bytes)
                .withChunkedDribbleDelay(2, 20_000)));
        RegistryClient client = new RegistryClient(new RegistryOptions(null, null, null, null, Duration.ofSeconds(1),
                null).withRetry(RetryPolicy.DEFAULT.withAttempts(1).withSleeper(slept::add)));
        long start = System.nanoTime();
        IOException failure = assertThrows(IOException.class, () -> {
            try (InputStream in = client.blob(ref(), blob)) {
                in.readAllBytes();
            }
        });
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(waited.compareTo(Duration.ofSeconds(8)) < 0, "waited " + waited + " for a stalled body");
        boolean timedOut = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            timedOut |= t instanceof SocketTimeoutException;
        }
        assertTrue(timedOut, () -> "not a timeout: " + failure);
    }

    @Test
    void serverErrorsAreRetriedWithGrowingBackoff() throws Exception {
        failThenSucceed(3, aResponse().withStatus(503));
        assertNotNull(client(5).manifest(ref()));
        assertEquals(3, slept.size());
        for (int i = 0; i < slept.size(); i++) {
            assertTrue(slept.get(i).toMillis() <= 500L << i, "full jitter below the exponential cap: " + slept);
        }
    }

    @Test
    void retryAfterInSecondsIsHonoured() throws Exception {
        failThenSucceed(1, aResponse().withStatus(429).withHeader("Retry-After", "7"));
        client(5).manifest(ref());
        assertEquals(List.of(Duration.ofSeconds(7)), slept);
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() {
        String date = ZonedDateTime.now().plusSeconds(30).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = RetryInterceptor.retryAfter(date);
        assertTrue(wait.toSeconds() >= 28 && wait.toSeconds() <= 30, wait.toString());
        assertEquals(null, RetryInterceptor.retryAfter("soon"));
    }

    @Test
    void connectionResetsAreRetried() throws Exception {
        failThenSucceed(2, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        assertNotNull(client(5).manifest(ref()));
        // OkHttp itself retries a reset once on a fresh connection; jreg's backoff covers the rest.
        registry.verify(3, getRequestedFor(urlEqualTo("/v2/app/manifests/1")));
    }

    @Test
    void attemptsAreBoundedAndTheLastAnswerReported() {
        registry.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "1")));
        RateLimitedException e = assertThrows(RateLimitedException.class, () -> client(3).manifest(ref()));
        assertEquals(2, slept.size());
        assertTrue(e.getMessage().contains("rate limit"), e.getMessage());
        registry.verify(3, getRequestedFor(urlEqualTo("/v2/app/manifests/1")));
    }

    @Test
    void aRetryAfterBeyondTheTotalBudgetIsNotWaitedFor() {
        registry.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(aResponse().withStatus(503)
                .withHeader("Retry-After", "3600")));
        assertThrows(dev.jreg.error.RegistryException.class, () -> client(5).manifest(ref()));
        assertEquals(List.of(), slept);
    }

    @Test
    void repeatedResetsEndWithAMessageSayingWhatWasTried() {
        registry.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        UnreachableException e = assertThrows(UnreachableException.class, () -> client(3).manifest(ref()));
        assertTrue(e.getMessage().startsWith("GET http://127.0.0.1:" + registry.getPort() + "/v2/app/manifests/1 failed after 3 attempts"),
                e.getMessage());
    }

    @Test
    void clientErrorsAreNotRetried() {
        registry.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(aResponse().withStatus(404)));
        assertThrows(dev.jreg.error.NotFoundException.class, () -> client(5).manifest(ref()));
        assertEquals(List.of(), slept);
    }

    /** One retry is routine and said nothing of; each one after it is a line for the user. */
    @Test
    void retriesAfterTheFirstAreAnnounced() throws Exception {
        failThenSucceed(3, aResponse().withStatus(503));
        assertNotNull(client(5).manifest(ref()));
        String url = "GET http://127.0.0.1:" + registry.getPort() + "/v2/app/manifests/1: HTTP 503; retrying in ";
        assertEquals(2, notices.size(), notices::toString);
        assertTrue(notices.get(0).startsWith(url) && notices.get(0).endsWith(" s (attempt 3 of 5)"), notices::toString);
        assertTrue(notices.get(1).startsWith(url) && notices.get(1).endsWith(" s (attempt 4 of 5)"), notices::toString);
    }

    /** Nothing listens on a refused port: one retry, in case the registry was restarting, then the count. */
    @Test
    void aRefusedConnectionIsRetriedOnce() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Reference closed = Reference.parse("127.0.0.1:" + port + "/app:1");
        UnreachableException e = assertThrows(UnreachableException.class, () -> client(5).manifest(closed));
        assertEquals(1, slept.size(), slept::toString);
        assertEquals(List.of(), notices);
        assertEquals("cannot reach registry 127.0.0.1:" + port + ": Connection refused (2 attempts)", e.getMessage());
    }

    @Test
    void timeoutsEndWithTheAttemptCount() {
        registry.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(aResponse().withFixedDelay(3000)));
        RegistryClient client = new RegistryClient(new RegistryOptions(null, null, null, null, Duration.ofMillis(300),
                null).withRetry(RetryPolicy.DEFAULT.withAttempts(3).withSleeper(slept::add).withNotices(notices::add)));
        IOException e = assertThrows(IOException.class, () -> client.manifest(ref()));
        assertTrue(e.getMessage().contains("failed after 3 attempts"), e.getMessage());
        assertEquals(1, notices.size(), notices::toString);
        assertTrue(notices.get(0).contains("/v2/app/manifests/1: timed out; retrying in "), notices::toString);
    }
}
