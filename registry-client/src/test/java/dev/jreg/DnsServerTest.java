package dev.jreg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DnsServerTest {
    @Test
    void readsAnAddressWithOrWithoutAPort() {
        assertEquals(new DnsServer("192.0.2.53", 53), DnsServer.parse("192.0.2.53"));
        assertEquals(new DnsServer("192.0.2.53", 5353), DnsServer.parse(" 192.0.2.53:5353 "));
        assertEquals(new DnsServer("2001:db8::53", 53), DnsServer.parse("2001:db8::53"));
        assertEquals(new DnsServer("2001:db8::53", 5353), DnsServer.parse("[2001:db8::53]:5353"));
        assertEquals("[2001:db8::53]:5353", DnsServer.parse("[2001:db8::53]:5353").toString());
        assertEquals(new DnsServer("2001:db8::53", 53), DnsServer.parse("[2001:db8::53]"));
        assertEquals(new DnsServer("::ffff:192.0.2.53", 53), DnsServer.parse("::ffff:192.0.2.53"));
    }

    /**
     * As docker's {@code --dns}: a plain server is an IP address, never a name, which would need a
     * DNS server of its own; the message names the text and the forms taken.
     */
    @Test
    void aPlainServerIsAnIpAddress() {
        for (String text : List.of("dns.example", "dns.example:53", "foo bar", "bogus bogus", "localhost",
                "192.0.2", "192.0.2.256", "192.0.2.53.1", "0x7f.0.0.1", "[192.0.2.53]", "[192.0.2.53]:53",
                "[dns.example]:53", "2001:db8::53::1", "g::1", "fe80::1%eth0", "[fe80::1%eth0]:53", "1e100.net")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DnsServer.parse(text), text);
            assertEquals("not a DNS server's address: " + text
                    + " (an IP address, with :PORT if not 53, or https://HOST[:PORT]/PATH)", e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new DnsServer("dns.example", 53));
        assertEquals("dns.example", DnsServer.parse("https://dns.example:8443/dns-query").host());
    }

    @Test
    void readsADnsOverHttpsServer() {
        DnsServer named = DnsServer.parse("https://dns.example/dns-query");
        assertEquals(new DnsServer("dns.example", 443, "/dns-query"), named);
        assertTrue(named.https());
        assertEquals("https://dns.example/dns-query", named.toString());
        assertEquals(new DnsServer("192.0.2.53", 8443, "/q"), DnsServer.parse("HTTPS://192.0.2.53:8443/q"));
        DnsServer v6 = DnsServer.parse("https://[2001:db8::53]:8443/dns-query");
        assertEquals(new DnsServer("2001:db8::53", 8443, "/dns-query"), v6);
        assertEquals("https://[2001:db8::53]:8443/dns-query", v6.toString());
        assertFalse(DnsServer.parse("192.0.2.53").https());
    }

    @Test
    void refusesWhatIsNotAServer() {
        for (String text : List.of("", "192.0.2.53:", "192.0.2.53:0", "192.0.2.53:70000", "192.0.2.53:dns",
                "http://dns.example/dns-query", "https://dns.example", "https://dns.example/",
                "https://user@dns.example/dns-query", "https://dns.example/dns-query?dns=x",
                "https://dns.example/dns-query#x", "https://dns.example:0/dns-query", "https:///dns-query",
                "[2001:db8::53", "[2001:db8::53]x")) {
            assertThrows(IllegalArgumentException.class, () -> DnsServer.parse(text), text);
        }
    }

    /** A registry is named as in image references: its servers are not another port's. */
    @Test
    void aRegistryIsNamedWithItsPort() {
        RegistryOptions options = RegistryOptions.defaults()
                .withDns("registry.test", List.of(DnsServer.parse("192.0.2.2")));
        assertEquals(List.of(), options.dnsOf("registry.test:5601"));
        assertEquals(List.of(DnsServer.parse("192.0.2.2")), options.dnsOf("registry.test"));
    }

    @Test
    void aRegistrysOwnServersComeBeforeThoseOfEveryRegistry() {
        RegistryOptions options = RegistryOptions.defaults()
                .withDns(RegistryOptions.EVERY_REGISTRY, List.of(DnsServer.parse("192.0.2.1")))
                .withDns("Registry.Test:5000", List.of(DnsServer.parse("192.0.2.2")));
        assertEquals(List.of(DnsServer.parse("192.0.2.2")), options.dnsOf("registry.test:5000"));
        assertEquals(List.of(DnsServer.parse("192.0.2.1")), options.dnsOf("docker.io"));
        assertEquals(List.of(), RegistryOptions.defaults().dnsOf("docker.io"));
    }
}
