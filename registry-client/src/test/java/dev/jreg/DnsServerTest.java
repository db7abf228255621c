package dev.jreg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    }

    @Test
    void refusesWhatIsNotAServer() {
        for (String text : List.of("", "192.0.2.53:", "192.0.2.53:0", "192.0.2.53:70000", "192.0.2.53:dns",
                "https://dns.example/dns-query", "[2001:db8::53", "[2001:db8::53]x")) {
            assertThrows(IllegalArgumentException.class, () -> DnsServer.parse(text), text);
        }
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
