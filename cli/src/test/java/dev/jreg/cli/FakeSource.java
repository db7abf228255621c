package dev.jreg.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.jreg.ImageLocation;
import dev.jreg.Jreg;
import dev.jreg.JregOptions;
import dev.jreg.RegistryOptions;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import dev.jreg.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A source registry served by WireMock: small images (a config and a layer each) whose manifests
 * answer {@code HEAD} and {@code GET} as a registry does, with whatever headers a test adds.
 */
final class FakeSource {
    private final WireMockExtension server;

    FakeSource(WireMockExtension server) {
        this.server = server;
        server.stubFor(get("/v2/").willReturn(okJson("{}")));
    }

    String registry() {
        return "127.0.0.1:" + server.getPort();
    }

    /** Serves {@code repository:tag}, its manifest's {@code GET} answer changed by {@code onGet}; returns the manifest. */
    ManifestBlob image(String repository, String tag, long seed, UnaryOperator<ResponseDefinitionBuilder> onGet)
            throws Exception {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"},\"seed\":"
                + seed + "}").getBytes(StandardCharsets.UTF_8);
        TestImages.Layer layer = TestImages.layer(seed, 2_000);
        Descriptor configDescriptor = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256(config), config.length);
        ManifestBlob manifest = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null,
                configDescriptor, List.of(layer.descriptor()), null, null));
        String path = "/v2/" + repository + "/manifests/" + tag;
        server.stubFor(head(urlEqualTo(path)).willReturn(manifestAnswer(manifest)));
        server.stubFor(get(urlEqualTo(path)).willReturn(onGet.apply(manifestAnswer(manifest).withBody(manifest.bytes()))));
        server.stubFor(get(urlEqualTo("/v2/" + repository + "/blobs/" + configDescriptor.digest()))
                .willReturn(aResponse().withBody(config)));
        server.stubFor(get(urlEqualTo("/v2/" + repository + "/blobs/" + layer.descriptor().digest()))
                .willReturn(aResponse().withBody(layer.bytes())));
        return manifest;
    }

    private static ResponseDefinitionBuilder manifestAnswer(ManifestBlob manifest) {
        return aResponse().withStatus(200).withHeader("Content-Type", MediaType.OCI_MANIFEST.value())
                .withHeader("Docker-Content-Digest", manifest.digest().toString())
                .withHeader("Content-Length", String.valueOf(manifest.bytes().length));
    }

    /** Answers the first {@code GET} of a manifest with 429 and these headers, the next ones as usual. */
    static void refuseFirstGet(WireMockExtension server, String path, ManifestBlob manifest, String... headers) {
        ResponseDefinitionBuilder refusal = aResponse().withStatus(429);
        for (int i = 0; i < headers.length; i += 2) {
            refusal = refusal.withHeader(headers[i], headers[i + 1]);
        }
        server.stubFor(get(urlEqualTo(path)).inScenario(path).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(refusal).willSetStateTo("refused"));
        server.stubFor(get(urlEqualTo(path)).inScenario(path).whenScenarioStateIs("refused")
                .willReturn(manifestAnswer(manifest).withBody(manifest.bytes())));
    }

    /** Answers a manifest's {@code HEAD} after {@code millis}. */
    static void slowHead(WireMockExtension server, String path, ManifestBlob manifest, int millis) {
        server.stubFor(head(urlEqualTo(path)).willReturn(manifestAnswer(manifest).withFixedDelay(millis)));
    }

    /** Answers {@code repository}'s manifests with 404, as a registry without it does. */
    void missing(String repository) {
        server.stubFor(head(urlPathMatching("/v2/" + repository + "/manifests/.*"))
                .willReturn(aResponse().withStatus(404)));
        server.stubFor(get(urlPathMatching("/v2/" + repository + "/manifests/.*"))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}")));
    }

    /** The manifest requests of one method the server saw, in the order they came. */
    List<ServeEvent> manifestRequests(String method) {
        return server.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().getName().equals(method)
                        && e.getRequest().getUrl().matches("/v2/.+/manifests/.+"))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .toList();
    }

    /** A sync file of this source's {@code repository: [tags]} lines, into {@code destination}. */
    Path syncFile(Path dir, String destination, String more, String... images) throws Exception {
        StringBuilder yaml = new StringBuilder(registry() + ":\n  images:\n");
        for (String image : images) {
            yaml.append("    ").append(image).append('\n');
        }
        yaml.append("  destination: ").append(destination).append('\n').append(more);
        Path file = dir.resolve("sync-" + System.nanoTime() + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** The digest the registry's {@code HEAD} gives for a reference. */
    static Digest digestAt(Path store, String reference) throws Exception {
        Jreg jreg = Jreg.open(new JregOptions(store, RegistryOptions.defaults(), 2));
        return jreg.resolveDestination(new ImageLocation.Registry(Reference.parse(reference))).orElseThrow().digest();
    }
}
