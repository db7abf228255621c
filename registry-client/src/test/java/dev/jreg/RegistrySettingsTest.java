package dev.jreg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.error.InvalidContentException;
import dev.jreg.error.InvalidReferenceException;
import dev.jreg.model.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistrySettingsTest {
    @TempDir
    Path dir;

    @Test
    void readsMirrorsAndInsecureRegistries() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"insecureRegistries\":[\"a.internal:5000\"],\"retries\":7,\"registries\":{"
                + "\"index.docker.io\":{\"mirrors\":[\"https://m1.internal\",\"http://127.0.0.1:5001\"]},"
                + "\"ghcr.io\":{\"mirrors\":[\"harbor.internal/ghcr-proxy\"]},"
                + "\"b.internal\":{\"insecure\":true}}}");
        RegistrySettings settings = RegistrySettings.read(file);
        assertEquals(Set.of("a.internal:5000", "b.internal"), settings.insecureRegistries());
        assertEquals(7, settings.retries());
        List<Mirror> hub = settings.mirrorsOf("docker.io");
        assertEquals(List.of("m1.internal", "http://127.0.0.1:5001"), hub.stream().map(Mirror::toString).toList());
        assertTrue(hub.get(1).plainHttp());
        Mirror harbor = settings.mirrorsOf("ghcr.io").get(0);
        assertEquals(Reference.parse("harbor.internal/ghcr-proxy/owner/app:1"), harbor.map(Reference.parse("ghcr.io/owner/app:1")));
        assertEquals(List.of(), settings.mirrorsOf("quay.io"));
    }

    @Test
    void missingFileIsEmptyAndBrokenFileIsAClearError() throws Exception {
        assertEquals(RegistrySettings.EMPTY, RegistrySettings.read(dir.resolve("absent.json")));
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"registries\":");
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> RegistrySettings.read(broken));
        assertTrue(e.getMessage().contains("broken.json"), e.getMessage());
        Files.writeString(broken, "{\"retries\":\"many\"}");
        assertThrows(InvalidContentException.class, () -> RegistrySettings.read(broken));
    }

    /** Every bad {@code "dns"} names the file and the registry, before any server is asked. */
    @Test
    void aBadDnsServerNamesTheFileAndTheRegistry() throws Exception {
        Path file = dir.resolve("config.json");
        for (String dns : List.of("[\"bogus bogus\"]", "[\"dns.example\"]", "[53]", "[\"192.0.2.53:0\"]",
                "\"192.0.2.53\"")) {
            Files.writeString(file, "{\"registries\":{\"registry.test:5601\":{\"dns\":" + dns + "}}}");
            InvalidContentException e = assertThrows(InvalidContentException.class, () -> RegistrySettings.read(file), dns);
            assertTrue(e.getMessage().startsWith(file + ": \"dns\" of registry.test:5601: "), e.getMessage());
        }
        Files.writeString(file, "{\"registries\":{\"registry.test:5601\":{\"dns\":[\"bogus bogus\"]}}}");
        assertEquals(file + ": \"dns\" of registry.test:5601: not a DNS server's address: bogus bogus (an IP address,"
                + " with :PORT if not 53, or https://HOST[:PORT]/PATH)",
                assertThrows(InvalidContentException.class, () -> RegistrySettings.read(file)).getMessage());
        Files.writeString(file, "{\"registries\":{\"registry.test:5601\":{\"dns\":[\"192.0.2.53\","
                + " \"https://dns.example/dns-query\"]}}}");
        assertEquals(List.of(DnsServer.parse("192.0.2.53"), DnsServer.parse("https://dns.example/dns-query")),
                RegistrySettings.read(file).dns().get("registry.test:5601"));
    }

    @Test
    void dockerDaemonMirrorsComeLastForDockerHub() throws Exception {
        Path daemon = dir.resolve("daemon.json");
        Files.writeString(daemon, "{\"registry-mirrors\":[\"https://daemon-mirror.internal\"],\"log-driver\":\"json-file\"}");
        RegistrySettings settings = RegistrySettings.EMPTY
                .withMirrorsLast("docker.io", RegistrySettings.dockerDaemonMirrors(daemon))
                .withMirrorsFirst("docker.io", List.of(Mirror.parse("http://127.0.0.1:5000")));
        assertEquals(List.of("http://127.0.0.1:5000", "daemon-mirror.internal"),
                settings.mirrorsOf("registry-1.docker.io").stream().map(Mirror::toString).toList());
    }

    @Test
    void mirrorsMustBeHostsOrUrls() {
        assertThrows(InvalidReferenceException.class, () -> Mirror.parse("ftp://x"));
        assertThrows(InvalidReferenceException.class, () -> Mirror.parse("http://"));
        assertEquals("localhost:5000", Mirror.parse("localhost:5000").registry());
    }
}
