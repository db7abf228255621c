package dev.jreg.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.ProxySettings;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxySettingsTest {
    static final ProxyRoutes PROXY = new ProxyRoutes(new ProxySettings("http://secure-proxy:3128", "plain-proxy:8080",
            "internal.example, .corp.example,10.0.0.0/8,registry.example:5000, 192.168.1.7"));

    @Test
    void schemeChoosesTheProxy() {
        Proxy https = PROXY.proxyFor("https", "ghcr.io", 443);
        assertEquals(InetSocketAddress.createUnresolved("secure-proxy", 3128), https.address());
        Proxy http = PROXY.proxyFor("http", "mirror.example", 80);
        assertEquals(InetSocketAddress.createUnresolved("plain-proxy", 8080), http.address());
    }

    @Test
    void noProxyMatchesNamesSuffixesRangesAndPorts() {
        assertTrue(PROXY.excluded("internal.example", 443));
        assertTrue(PROXY.excluded("registry.internal.example", 443), "a name covers its subdomains");
        assertTrue(PROXY.excluded("a.corp.example", 443));
        assertTrue(PROXY.excluded("corp.example", 443));
        assertTrue(PROXY.excluded("10.1.2.3", 443));
        assertFalse(PROXY.excluded("11.1.2.3", 443));
        assertTrue(PROXY.excluded("registry.example", 5000));
        assertFalse(PROXY.excluded("registry.example", 5001), "the port must match when given");
        assertTrue(PROXY.excluded("192.168.1.7", 80));
        assertFalse(PROXY.excluded("notinternal.example", 443), "suffix matching is by whole labels");
        assertTrue(new ProxyRoutes(new ProxySettings("p:1", null, "*")).excluded("anything", 1));
    }

    @Test
    void loopbackIsNeverProxied() {
        assertEquals(Proxy.NO_PROXY, PROXY.proxyFor("https", "localhost", 5000));
        assertEquals(Proxy.NO_PROXY, PROXY.proxyFor("http", "127.0.0.1", 5000));
    }

    @Test
    void upperCaseVariablesWin() {
        ProxySettings settings = ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", "a:1", "https_proxy", "b:2",
                "no_proxy", "x"));
        assertEquals("a:1", settings.httpsProxy());
        assertEquals("x", settings.noProxy());
        assertEquals(Proxy.NO_PROXY, new ProxyRoutes(ProxySettings.NONE).proxyFor("https", "ghcr.io", 443));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://user:secret@127.0.0.1:notaport", "http://user:secret@[bad", "http://user:secret@127.0.0.1:99999",
        "socks5://user:secret@127.0.0.1:1080", "https://user:secret@127.0.0.1:3128", "http://user:sec%ZZret@127.0.0.1:3128",
        "socks5h://user:secret@proxy:1080", "HTTPS://user:secret@proxy:3128", "http://user:secret%4@proxy:3128",
        "http://user:secret@:3128", "http://user:secret@127.0.0.1:0"})
    void anUnusableProxyIsAnErrorNamingTheVariableNeverItsCredentials(String url) {
        for (String variable : new String[] {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ProxySettings.fromEnvironment(Map.of(variable, url)));
            assertTrue(e.getMessage().startsWith(variable + " ") || e.getMessage().startsWith(variable + ":"), e.getMessage());
            assertFalse(e.getMessage().contains("secret") || e.getMessage().contains("sec%"), e.getMessage());
        }
    }

    @Test
    void anHttpsProxyIsRefusedRatherThanSpokenToInClearText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", "https://user:secret@127.0.0.1:3128")));
        assertTrue(e.getMessage().contains("https://") && e.getMessage().contains("clear text"), e.getMessage());
        IllegalArgumentException socks = assertThrows(IllegalArgumentException.class,
                () -> new ProxySettings("socks5://127.0.0.1:1080", null, null));
        assertTrue(socks.getMessage().contains("HTTP proxies only"), socks.getMessage());
    }

    @Test
    void validPercentEncodingsAndBareHostsAreAccepted() {
        ProxyRoutes settings = new ProxyRoutes(ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY",
                "http://us%3Aer:p%40ss@proxy:3128", "HTTP_PROXY", "proxy:8080")));
        assertEquals(InetSocketAddress.createUnresolved("proxy", 3128), settings.proxyFor("https", "ghcr.io", 443).address());
        assertEquals("proxy proxy:3128 (HTTPS_PROXY)", settings.describe("https", "ghcr.io", 443));
        assertEquals(null, settings.describe("https", "127.0.0.1", 443));
    }
}
