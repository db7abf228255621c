package dev.jreg.internal.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.RegistryOptions;
import dev.jreg.RetryPolicy;
import dev.jreg.error.ErrorCode;
import dev.jreg.error.RegistryError;
import dev.jreg.error.RegistryException;
import dev.jreg.error.UnauthorizedException;
import dev.jreg.internal.json.Json;
import dev.jreg.model.Reference;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The spec's {@code detail} of a registry error: kept as sent, and quoted in the message only when it says more. */
class ErrorDetailTest {
    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @BeforeEach
    void ping() {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
    }

    private RegistryException fetch(int status, String body) {
        registry.stubFor(get(urlEqualTo("/v2/lib/app/manifests/1")).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
        RegistryClient client = new RegistryClient(new RegistryOptions(host -> Optional.empty(), Set.of(), "jreg-test",
                null, null, line -> { }).withRetry(RetryPolicy.NONE));
        return assertThrows(RegistryException.class, () -> client.manifest(ref()));
    }

    private Reference ref() {
        return Reference.parse("127.0.0.1:" + registry.getPort() + "/lib/app:1");
    }

    /** distribution's answer to a manifest whose blob it lacks: the blob's digest, in {@code detail}. */
    @Test
    void aDetailThatSaysMoreIsKeptAndQuoted() throws Exception {
        String blob = "sha256:" + "5".repeat(64);
        RegistryException e = fetch(400, "{\"errors\":[{\"code\":\"MANIFEST_BLOB_UNKNOWN\",\"message\":\"blob unknown to"
                + " registry\",\"detail\":\"" + blob + "\"}]}");
        RegistryError error = e.errors().get(0);
        assertEquals(ErrorCode.MANIFEST_BLOB_UNKNOWN, error.code());
        assertEquals(Json.parse("\"" + blob + "\""), error.detail());
        assertEquals(ref() + ": blob unknown to registry (detail: \"" + blob + "\")", e.getMessage());
    }

    /**
     * distribution's answer to a token without the access asked for is the access list: quoted when it
     * names another repository (a mount's source), left out when it is this request's own.
     */
    @Test
    void anAccessListIsQuotedOnlyForAnotherRepository() throws Exception {
        String other = "[{\"Type\":\"repository\",\"Class\":\"\",\"Name\":\"other/app\",\"Action\":\"pull\"}]";
        RegistryException e = fetch(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\","
                + "\"detail\":" + other + "}]}");
        assertTrue(e instanceof UnauthorizedException, e.getClass().getName());
        assertEquals(Json.parse(other), e.errors().get(0).detail());
        assertEquals(ref() + ": authentication required (detail: " + other + ")", e.getMessage());
        RegistryException own = fetch(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\","
                + "\"detail\":" + other.replace("other/app", "lib/app") + "}]}");
        assertEquals(ref() + ": authentication required", own.getMessage());
    }

    /** Each error of a body keeps its own detail; values of every JSON kind. */
    @Test
    void everyErrorKeepsItsOwnDetail() throws Exception {
        RegistryException e = fetch(400, "{\"errors\":[{\"code\":\"SIZE_INVALID\",\"message\":\"provided length did not match"
                + " content length\",\"detail\":{\"expected\":3221225472,\"got\":1.50}},{\"code\":\"TAG_INVALID\","
                + "\"message\":\"manifest tag did not match URI\",\"detail\":\"v1\"},{\"code\":\"UNSUPPORTED\",\"message\":\"x\"}]}");
        assertEquals(Json.parse("{\"expected\":3221225472,\"got\":1.50}"), e.errors().get(0).detail());
        assertEquals("1.50", e.errors().get(0).detail().get("got").toString(), "numbers as sent");
        assertEquals(Json.parse("\"v1\""), e.errors().get(1).detail());
        assertNull(e.errors().get(2).detail());
        assertEquals(ref() + ": provided length did not match content length (detail: {\"expected\":3221225472,\"got\":1.50});"
                + " manifest tag did not match URI (detail: \"v1\"); x", e.getMessage());
    }

    /**
     * Details that add nothing leave the message as it was: absent, null, empty, or values the
     * message already holds (the tag of the reference, distribution's {@code {"Tag":…}}; the
     * registry's own message again).
     */
    @ParameterizedTest
    @ValueSource(strings = {"null", "{}", "[]", "\"\"", "\"  \"", "{\"Tag\":\"1\"}", "{\"Name\":\"lib/app\",\"Tag\":\"1\"}",
        "\"MANIFEST UNKNOWN\"", "[{\"Name\":\"lib/app\"}, \"\", null]"})
    void aDetailThatSaysNothingNewIsLeftOut(String detail) {
        RegistryException e = fetch(404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\","
                + "\"detail\":" + detail + "}]}");
        assertEquals(ref() + ": manifest unknown", e.getMessage());
    }

    /**
     * One line whatever the registry sends: control characters escaped (C1 and DEL too), long
     * details cut. The number is one no port or host holds, so that it is never taken as said.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"line\\nnext\\u001b[31m\"                 | (detail: \"line\\nnext\\u001B[31m\")",
        "\"csi\u009b2Jdel\u007f\"                   | (detail: \"csi\\u009b2Jdel\\u007f\")",
        "-4.25                                      | (detail: -4.25)",
    })
    void theQuotedDetailIsOneLineOfPrintableText(String detail, String note) {
        RegistryException e = fetch(400, "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"refused\",\"detail\":" + detail + "}]}");
        assertEquals(ref() + ": refused " + note, e.getMessage());
    }

    @Test
    void aLongDetailIsCut() {
        String long400 = "x".repeat(400);
        RegistryException e = fetch(400, "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"refused\",\"detail\":{\"why\":\""
                + long400 + "\"}}]}");
        String note = e.getMessage().substring(e.getMessage().indexOf(" (detail: ") + 10, e.getMessage().length() - 1);
        assertEquals(Errors.MAX_DETAIL, note.length(), note);
        assertTrue(note.startsWith("{\"why\":\"xxx") && note.endsWith("x…"), note);
    }
}
