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
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.RegistryOptions;
import dev.jreg.RetryPolicy;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code WWW-Authenticate} as registries really send it, and realms relative to the registry. */
class ChallengeTest {
    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().dynamicHttpsPort().bindAddress("127.0.0.1")).build();

    static Challenge only(String... headers) {
        List<Challenge> all = Challenge.parse(List.of(headers));
        assertEquals(1, all.size(), all::toString);
        return all.get(0);
    }

    @Test
    void anEmptyParameterIsNoParameter() {
        assertEquals(new Challenge("bearer", "https://127.0.0.1:5000/token", null, null, null),
                only("Bearer realm=\"https://127.0.0.1:5000/token\",service="));
        assertEquals(new Challenge("bearer", "https://r/token", null, "repository:a:pull", null),
                only("Bearer realm=\"https://r/token\",service=\"\",scope=\"repository:a:pull\""));
        assertEquals(new Challenge("bearer", null, "s", null, null), only("Bearer realm=,service=s"));
    }

    @Test
    void unquotedOddlySpacedAndCapitalisedParameters() {
        Challenge expected = new Challenge("bearer", "https://auth.example/token", "registry.example",
                "repository:a/b:pull", null);
        assertEquals(expected, only("Bearer realm=https://auth.example/token,service=registry.example,"
                + "scope=repository:a/b:pull"));
        assertEquals(expected, only("  BEARER   Realm = \"https://auth.example/token\" ,  SERVICE =registry.example , "
                + "scope\t=\t\"repository:a/b:pull\"  "));
        assertEquals(new Challenge("bearer", "https://r/t\"x", null, "repository:a:pull,push", "insufficient_scope"),
                only("Bearer realm=\"https://r/t\\\"x\",scope=\"repository:a:pull,push\",error=insufficient_scope"));
    }

    @Test
    void severalChallengesInOneHeaderOrSeveral() {
        List<Challenge> inOne = Challenge.parse(List.of("Basic realm=\"r\", Bearer realm=\"/token\",service=\"registry\""));
        assertEquals(List.of(new Challenge("basic", "r", null, null, null),
                new Challenge("bearer", "/token", "registry", null, null)), inOne);
        List<Challenge> inTwo = Challenge.parse(List.of("Negotiate YIIB+g==", "Basic realm=r", "Bearer realm=\"/token\""));
        assertEquals(List.of("negotiate", "basic", "bearer"), inTwo.stream().map(Challenge::scheme).toList());
        assertEquals("/token", inTwo.get(2).realm());
    }

    @Test
    void bearerIsPreferredWhereverItStands() {
        okhttp3.Response response = new okhttp3.Response.Builder()
                .request(new okhttp3.Request.Builder().url("http://127.0.0.1/v2/").build())
                .protocol(okhttp3.Protocol.HTTP_1_1).code(401).message("Unauthorized")
                .addHeader("WWW-Authenticate", "Basic realm=\"r\"")
                .addHeader("WWW-Authenticate", "Newfangled x=y, Bearer realm=\"https://a/t\",service=s")
                .build();
        assertEquals(new Challenge("bearer", "https://a/t", "s", null, null), Challenge.of(response));
    }

    RegistryClient client(String insecureRealmHost) {
        return new RegistryClient(new RegistryOptions(null, Set.of(insecureRealmHost), null, null, null, null)
                .withRetry(RetryPolicy.NONE));
    }

    void manifestBehindToken(String challenge) {
        registry.stubFor(get("/v2/").willReturn(unauthorized().withHeader("WWW-Authenticate", challenge)));
        registry.stubFor(get(urlPathEqualTo("/token")).willReturn(okJson("{\"token\":\"t-1\"}")));
        registry.stubFor(get(urlEqualTo("/v2/demo/app/manifests/1")).withHeader("Authorization", equalTo("Bearer t-1"))
                .willReturn(aResponse().withHeader("Content-Type", MediaType.OCI_MANIFEST.value())
                        .withBody(RegistryClientTest.MANIFEST)));
    }

    Reference ref() {
        return Reference.parse("127.0.0.1:" + registry.getPort() + "/demo/app:1");
    }

    @Test
    void aChallengeWithAnEmptyServiceStillGetsItsToken() throws Exception {
        String realm = "https://127.0.0.1:" + registry.getHttpsPort() + "/token";
        manifestBehindToken("Bearer realm=\"" + realm + "\",service=");
        client("127.0.0.1:" + registry.getHttpsPort()).manifest(ref());
        registry.verify(1, getRequestedFor(urlPathEqualTo("/token")).withQueryParam("service", absent())
                .withQueryParam("scope", equalTo("repository:demo/app:pull")));
    }

    @Test
    void aRelativeRealmIsTheRegistrysOwn() throws Exception {
        manifestBehindToken("Bearer realm=\"/token\",service=\"registry\"");
        client("none").manifest(ref());
        registry.verify(1, getRequestedFor(urlPathEqualTo("/token")).withQueryParam("service", equalTo("registry")));
    }

    @Test
    void aPathRelativeOrSchemeRelativeRealmToo() throws Exception {
        manifestBehindToken("Bearer realm=token,service=registry");
        client("none").manifest(ref());
        manifestBehindToken("Bearer realm=\"//localhost:" + registry.getPort() + "/token\",service=\"registry\"");
        new RegistryClient(RegistryOptions.defaults().withRetry(RetryPolicy.NONE)).manifest(ref());
        registry.verify(2, getRequestedFor(urlPathEqualTo("/token")).withQueryParam("service", equalTo("registry")));
    }

    @Test
    void credentialsFollowARelativeRealmUnderTheSameRules() throws Exception {
        manifestBehindToken("Bearer realm=\"/token\",service=\"registry\"");
        new RegistryClient(new RegistryOptions(name -> Optional.of(dev.jreg.auth.Credentials.basic("bob", "pw")), null,
                null, null, null, null).withRetry(RetryPolicy.NONE)).manifest(ref());
        registry.verify(getRequestedFor(urlPathEqualTo("/token"))
                .withHeader("Authorization", equalTo(okhttp3.Credentials.basic("bob", "pw"))));
    }
}
