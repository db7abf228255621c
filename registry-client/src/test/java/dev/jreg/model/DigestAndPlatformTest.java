package dev.jreg.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestAndPlatformTest {
    @Test
    void sha256OfEmptyInputIsTheWellKnownValue() {
        assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                Digest.sha256(new byte[0]).toString());
    }

    @Test
    void sha512IsAccepted() {
        Digest d = Digest.parse("sha512:" + "a".repeat(128));
        assertEquals("sha512", d.algorithm());
        assertEquals(64, d.newHasher().getDigestLength());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha256:ABC", "sha256:" + "A0", "sha256", ":abc", "sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85", "sha256:g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"})
    void rejectsMalformedDigests(String text) {
        assertThrows(IllegalArgumentException.class, () -> Digest.parse(text));
    }

    @Test
    void withHashKeepsTheAlgorithm() {
        Digest d = Digest.parse("sha512:" + "0".repeat(128));
        byte[] hash = d.newHasher().digest("x".getBytes(StandardCharsets.UTF_8));
        assertEquals("sha512", d.withHash(hash).algorithm());
    }

    @Test
    void platformParsesAndPrints() {
        assertEquals("linux/arm64/v8", Platform.parse("linux/arm64/v8").toString());
        assertEquals("linux/amd64", Platform.parse("LINUX/AMD64").toString());
        assertThrows(IllegalArgumentException.class, () -> Platform.parse("linux"));
        assertThrows(IllegalArgumentException.class, () -> Platform.parse("linux//v8"));
        assertThrows(IllegalArgumentException.class, () -> Platform.parse("a/b/c/d"));
    }

    @Test
    void arm64WithoutVariantMatchesV8() {
        Platform wanted = Platform.parse("linux/arm64/v8");
        assertTrue(wanted.matches(Platform.of("linux", "arm64", null)));
        assertTrue(Platform.parse("linux/arm64").matches(Platform.of("linux", "arm64", "v8")));
        assertFalse(Platform.parse("linux/arm/v6").matches(Platform.of("linux", "arm", "v7")));
        assertTrue(Platform.parse("linux/arm").matches(Platform.of("linux", "arm", "v7")));
        assertFalse(Platform.parse("linux/amd64").matches(Platform.of("windows", "amd64", null)));
        assertFalse(wanted.matches(null));
    }

    @Test
    void hostPlatformUsesGoNames() {
        Platform host = Platform.host();
        assertTrue(host.architecture().matches("amd64|arm64|arm|386|[a-z0-9_]+"));
        assertFalse(host.architecture().equals("x86_64") || host.architecture().equals("aarch64"));
    }

    @Test
    void mediaTypeDropsParametersAndCase() {
        assertEquals(MediaType.OCI_MANIFEST, MediaType.of("Application/VND.oci.image.manifest.v1+json; charset=utf-8"));
        assertTrue(MediaType.DOCKER_LIST.isIndex());
        assertTrue(MediaType.DOCKER_MANIFEST.isImageManifest());
        assertEquals("application/x-custom", MediaType.of("application/x-custom").value(), "unknown types are kept");
    }
}
