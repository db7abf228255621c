package dev.jreg.internal.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.ProxySettings;
import dev.jreg.RegistryOptions;
import dev.jreg.RetryPolicy;
import dev.jreg.model.Digest;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import dev.jreg.testing.TestProxy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Credentials in a proxy URL go to that proxy, and only to it. The registry is named
 * {@code proxied.test} (testdata/hosts maps it to 127.0.0.1), since loopback is never proxied.
 */
class ProxyCredentialsTest {
    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().dynamicHttpsPort().bindAddress("127.0.0.1")).build();

    final List<String> debug = new ArrayList<>();
    TestProxy proxy;

    @BeforeEach
    void start() throws IOException {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
        registry.stubFor(get(urlEqualTo("/v2/demo/app/manifests/1")).willReturn(aResponse()
                .withHeader("Content-Type", MediaType.OCI_MANIFEST.value()).withBody(RegistryClientTest.MANIFEST)));
    }

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
    }

    RegistryClient client(int port, ProxySettings proxies) {
        return new RegistryClient(new RegistryOptions(null, Set.of("proxied.test:" + port), null, null, null, debug::add,
                null, proxies, RetryPolicy.NONE));
    }

    /** Fetches a manifest of {@code proxied.test:PORT} through the proxy. */
    void fetch(int port, ProxySettings proxies) throws IOException {
        Digest digest = client(port, proxies).manifest(Reference.parse("proxied.test:" + port + "/demo/app:1")).digest();
        assertEquals(Digest.sha256(RegistryClientTest.MANIFEST.getBytes(StandardCharsets.UTF_8)), digest);
    }

    void registrySawNoProxyAuthorization() {
        assertEquals(List.of(), registry.findAll(anyRequestedFor(anyUrl()).withHeader("Proxy-Authorization", matching(".*"))));
    }

    @Test
    void httpsTunnelsAreOpenedWithTheProxysCredentials() throws Exception {
        proxy = new TestProxy(okhttp3.Credentials.basic("user", "secret"));
        String url = proxy.url().replace("http://", "http://user:secret@");
        fetch(registry.getHttpsPort(), new ProxySettings(url, null, null));
        assertTrue(proxy.requests().stream().allMatch(r -> r.startsWith("CONNECT proxied.test:")), proxy.requests().toString());
        assertFalse(proxy.requests().isEmpty());
        assertEquals(List.of(), proxy.refused(), "sent up front, never waiting for a 407");
        registrySawNoProxyAuthorization();
        assertTrue(debug.stream().noneMatch(line -> line.contains("secret")), debug.toString());
    }

    @Test
    void plainHttpRequestsCarryThemPercentDecoded() throws Exception {
        proxy = new TestProxy(okhttp3.Credentials.basic("us:er", "p@ss word/é", StandardCharsets.UTF_8));
        String url = proxy.url().replace("http://", "http://us%3Aer:p%40ss%20word%2F%C3%A9@");
        fetch(registry.getPort(), new ProxySettings(null, url, null));
        assertTrue(proxy.requests().stream().anyMatch(r -> r.startsWith("GET http://proxied.test:" + registry.getPort()
                + "/v2/demo/app/manifests/1 ")), proxy.requests().toString());
        assertEquals(List.of(), proxy.refused());
        registrySawNoProxyAuthorization();
    }

    @Test
    void refusedCredentialsAreAClearErrorThatDoesNotQuoteThem() throws Exception {
        proxy = new TestProxy(okhttp3.Credentials.basic("user", "secret"));
        String wrong = proxy.url().replace("http://", "http://user:wrong-secret@");
        for (boolean https : new boolean[] {true, false}) {
            IOException e = assertThrows(IOException.class, () -> fetch(https ? registry.getHttpsPort() : registry.getPort(),
                    https ? new ProxySettings(wrong, null, null) : new ProxySettings(null, wrong, null)));
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            assertFalse(trace.toString().contains("secret"), trace.toString());
            assertTrue(e.getMessage().contains("proxy"), e.getMessage());
        }
        assertFalse(proxy.refused().isEmpty());
        assertTrue(debug.stream().noneMatch(line -> line.contains("secret")), debug.toString());
        registry.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void proxySettingsNeverShowTheirCredentials() {
        ProxySettings settings = new ProxySettings("http://user:secret@proxy:3128", "user:secret@other:8080", null);
        assertEquals("ProxySettings[httpsProxy=http://proxy:3128/, httpProxy=http://other:8080/, noProxy=null]",
                settings.toString());
        assertFalse(new RegistryOptions(null, null, null, null, null, null, null, settings, null).toString().contains("secret"));
        IllegalArgumentException unreadable = assertThrows(IllegalArgumentException.class,
                () -> new ProxySettings("http://user:secret@proxy host:3128", null, null));
        assertFalse(unreadable.getMessage().contains("secret"), unreadable.getMessage());
    }
}
