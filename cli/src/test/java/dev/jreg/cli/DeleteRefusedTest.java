package dev.jreg.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.model.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/** Registries that do not delete manifests, as they answer a delete by digest: one clear sentence, exit 1. */
class DeleteRefusedTest {
    static final String DIGEST = Digest.sha256("manifest".getBytes(StandardCharsets.UTF_8)).toString();

    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeEach
    void ping() {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
    }

    Cli.Result deleteByDigest() {
        return new Cli(home, store).run("delete", host() + "/demo/app@" + DIGEST);
    }

    String host() {
        return "127.0.0.1:" + registry.getPort();
    }

    /** A bare 405 (a proxy in front), and the UNSUPPORTED code with another status. */
    static Stream<ResponseDefinitionBuilder> refusals() {
        return Stream.of(aResponse().withStatus(405), aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"code\":\"UNSUPPORTED\",\"message\":\"The operation is unsupported.\"}]}"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void aRegistryThatDoesNotDeleteIsSaidSo(ResponseDefinitionBuilder refusal) {
        registry.stubFor(delete(urlPathMatching("/v2/demo/app/manifests/.*")).willReturn(refusal));
        Cli.Result result = deleteByDigest();
        assertEquals(1, result.exitCode(), result::toString);
        assertEquals("jreg: " + host() + " does not allow deleting manifests (deletion is disabled on this registry)\n",
                result.err());
    }

    @Test
    void otherRefusalsKeepTheRegistrysWords() {
        registry.stubFor(delete(urlPathMatching("/v2/demo/app/manifests/.*")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}")));
        Cli.Result result = deleteByDigest();
        assertEquals(3, result.exitCode(), result::toString);
    }
}
