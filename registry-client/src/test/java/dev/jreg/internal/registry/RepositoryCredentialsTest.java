package dev.jreg.internal.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.core.Options;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.RegistryOptions;
import dev.jreg.auth.Credentials;
import dev.jreg.auth.Keychain;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Credentials kept per repository (podman's {@code registry/namespace} keys) reach only that repository. */
class RepositoryCredentialsTest {
    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                    .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.NEVER)).build();

    static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":pw").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eachRepositoryPresentsItsOwnCredentialsAfterOnePing() throws Exception {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        ManifestBlob manifest = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null,
                Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256(config), config.length), List.of(), null, null));
        registry.stubFor(get("/v2/").willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic realm=\"r\"")));
        for (String repository : List.of("team/a", "team/b", "other")) {
            registry.stubFor(get(urlEqualTo("/v2/" + repository + "/manifests/1")).willReturn(aResponse()
                    .withHeader("Content-Type", MediaType.OCI_MANIFEST.value()).withBody(manifest.bytes())));
        }
        List<String> asked = new ArrayList<>();
        Keychain keychain = new Keychain() {
            @Override
            public Optional<Credentials> lookup(String host) {
                return lookup(host, null);
            }

            @Override
            public Optional<Credentials> lookup(String host, String repository) {
                asked.add(repository);
                return Optional.of(Credentials.basic(repository != null && repository.startsWith("team/a") ? "a" : "team",
                        "pw"));
            }
        };
        RegistryClient client = new RegistryClient(new RegistryOptions(keychain, null, null, null, null, null));
        String host = "127.0.0.1:" + registry.getPort();
        for (String repository : List.of("team/a", "team/b", "other", "team/a")) {
            client.manifest(Reference.parse(host + "/" + repository + ":1"));
        }

        registry.verify(2, getRequestedFor(urlEqualTo("/v2/team/a/manifests/1")).withHeader("Authorization", equalTo(basic("a"))));
        registry.verify(getRequestedFor(urlEqualTo("/v2/team/b/manifests/1")).withHeader("Authorization", equalTo(basic("team"))));
        registry.verify(getRequestedFor(urlEqualTo("/v2/other/manifests/1")).withHeader("Authorization", equalTo(basic("team"))));
        registry.verify(1, getRequestedFor(urlEqualTo("/v2/")));
        assertEquals(List.of("team/a", "team/b", "other"), asked, "each repository is looked up once");
    }
}
