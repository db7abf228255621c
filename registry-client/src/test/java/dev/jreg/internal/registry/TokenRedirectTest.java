package dev.jreg.internal.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.jreg.RegistryOptions;
import dev.jreg.auth.Credentials;
import dev.jreg.error.InvalidContentException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A token server's redirects are judged as its realm is, before anything is sent there. */
class TokenRedirectTest {
    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    final List<HttpUrl> asked = new ArrayList<>();
    final OkHttpClient http = new OkHttpClient();

    TokenClient tokens() {
        return new TokenClient((registry, url) -> {
            asked.add(url);
            if (!url.host().equals("127.0.0.1")) {
                fail("a request to " + url + " was about to be sent");
            }
            return http;
        }, RegistryOptions.defaults());
    }

    HttpUrl registry() {
        return HttpUrl.get("http://127.0.0.1:" + server.getPort() + "/");
    }

    static Challenge bearer(String realm) {
        return new Challenge("bearer", realm, "registry", null, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/token", "http://0.0.0.0:%d/token", "http://[fe80::1]/token",
        "http://2852039166/token"})
    void aRedirectWhereARealmCouldNotPointIsNotFollowed(String target) {
        server.stubFor(get(urlPathEqualTo("/redirect")).willReturn(aResponse().withStatus(307)
                .withHeader("Location", String.format(target, server.getPort()))));
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> tokens()
                .fetch(registry(), bearer("/redirect"), Scope.pull("a"), Credentials.basic("bob", "secret")));
        assertTrue(e.getMessage().startsWith("refusing the token server's redirect to "), e.getMessage());
        assertTrue(!e.getMessage().contains("secret"), e.getMessage());
        assertEquals(1, asked.size(), asked::toString);
    }

    @Test
    void aRedirectOnTheRealmsOriginKeepsTheCredentialsAndAnotherOriginGetsNone() throws Exception {
        server.stubFor(get(urlPathEqualTo("/redirect")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "/token")));
        server.stubFor(get(urlPathEqualTo("/token")).willReturn(okJson("{\"token\":\"t1\"}")));
        TokenClient.Token token = tokens().fetch(registry(), bearer("/redirect"), Scope.pull("a"),
                Credentials.basic("bob", "secret"));
        assertEquals("t1", token.value());
        LoggedRequest followed = server.findAll(getRequestedFor(urlPathEqualTo("/token"))).get(0);
        assertTrue(followed.containsHeader("Authorization"), "same origin: the credentials go on");

        server.resetRequests();
        server.stubFor(get(urlPathEqualTo("/elsewhere")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://localhost:" + server.getPort() + "/token")));
        TokenClient localhost = new TokenClient((registry, url) -> http, RegistryOptions.defaults());
        localhost.fetch(registry(), bearer("/elsewhere"), Scope.pull("a"), Credentials.basic("bob", "secret"));
        LoggedRequest other = server.findAll(getRequestedFor(urlPathEqualTo("/token"))).get(0);
        assertTrue(!other.containsHeader("Authorization"), "another origin gets no credentials");
    }

    @Test
    void endlessRedirectsEnd() {
        server.stubFor(get(urlPathEqualTo("/loop")).willReturn(aResponse().withStatus(302).withHeader("Location", "/loop")));
        InvalidContentException e = assertThrows(InvalidContentException.class,
                () -> tokens().fetch(registry(), bearer("/loop"), Scope.pull("a"), null));
        assertTrue(e.getMessage().endsWith("redirected too many times"), e.getMessage());
    }
}
