package dev.jreg.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** containerd's platform normalisation and order of preference. */
class PlatformMatchingTest {
    static Platform p(String os, String arch, String variant) {
        return Platform.of(os, arch, variant);
    }

    static Descriptor child(String name, Platform platform) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return Descriptor.of(MediaType.OCI_MANIFEST, Digest.sha256(bytes), bytes.length).withPlatform(platform);
    }

    @ParameterizedTest(name = "{0}/{1}/{2} is {3}")
    @CsvSource(nullValues = "-", value = {
        "linux, aarch64, -, linux/arm64",
        "linux, arm64, v8, linux/arm64",
        "linux, arm64, 8, linux/arm64",
        "linux, arm64, v8.0, linux/arm64",
        "linux, arm64, 9.0, linux/arm64/v9",
        "linux, x86_64, -, linux/amd64",
        "linux, x86-64, -, linux/amd64",
        "linux, amd64, v1, linux/amd64",
        "linux, amd64, v3, linux/amd64/v3",
        "linux, armhf, -, linux/arm/v7",
        "linux, armel, -, linux/arm/v6",
        "linux, arm, -, linux/arm/v7",
        "linux, arm, 6, linux/arm/v6",
        "linux, i386, -, linux/386",
        "Linux, AMD64, -, linux/amd64",
        "macos, arm64, -, darwin/arm64",
    })
    void normalisesAsContainerdDoes(String os, String arch, String variant, String expected) {
        assertEquals(expected, p(os, arch, variant).normalized().toString());
    }

    @Test
    void aliasesMatchEachOther() {
        assertTrue(Platform.parse("linux/amd64").matches(p("Linux", "x86_64", null)));
        assertTrue(Platform.parse("linux/arm64").matches(p("linux", "aarch64", "v8")));
        assertTrue(Platform.parse("linux/arm64/v8").matches(p("linux", "arm64", null)));
        assertTrue(Platform.parse("linux/arm/v7").matches(p("linux", "armhf", null)));
        assertTrue(Platform.parse("linux/arm").matches(p("linux", "arm", "v7")));
        assertTrue(Platform.parse("linux/386").matches(p("linux", "i386", null)));
        assertFalse(Platform.parse("linux/arm/v6").matches(p("linux", "arm", "v7")), "v6 cannot run v7");
        assertFalse(Platform.parse("linux/amd64").matches(p("linux", "amd64", "v2")), "v1 cannot run v2");
        assertFalse(Platform.parse("linux/amd64").matches(p("windows", "amd64", null)));
        assertFalse(Platform.parse("linux/amd64").matches(p(null, "amd64", null)));
        assertFalse(Platform.parse("linux/amd64").matches(null));
    }

    @Test
    void armPrefersItsOwnVariantThenLowerOnes() {
        Platform v7 = Platform.parse("linux/arm/v7");
        assertEquals(0, v7.rank(p("linux", "arm", "v7")));
        assertEquals(1, v7.rank(p("linux", "arm", "v6")));
        assertEquals(1, v7.rank(p("linux", "armel", null)));
        assertEquals(2, v7.rank(p("linux", "arm", "v5")));
        assertEquals(-1, v7.rank(p("linux", "arm", "v8")));

        Descriptor v6 = child("v6", p("linux", "arm", "v6"));
        List<Descriptor> children = List.of(child("v5", p("linux", "arm", "v5")), v6, child("v8", p("linux", "arm", "v8")));
        assertEquals(Optional.of(v6), v7.choose(children), "the closest lower variant");
    }

    @Test
    void amd64VariantsFallBackDownToV1ThenTo386() {
        Platform v3 = Platform.parse("linux/amd64/v3");
        assertEquals(List.of(0, 1, 2, 3), List.of(v3.rank(p("linux", "amd64", "v3")), v3.rank(p("linux", "amd64", "v2")),
                v3.rank(p("linux", "x86_64", null)), v3.rank(p("linux", "386", null))));
        assertEquals(-1, v3.rank(p("linux", "amd64", "v4")));
    }

    @Test
    void arm64RunsLowerArm64VariantsThenArm32() {
        Platform arm64 = Platform.parse("linux/arm64");
        assertEquals(0, arm64.rank(p("linux", "arm64", "v8")));
        assertTrue(arm64.rank(p("linux", "arm", "v8")) > 0);
        assertTrue(arm64.rank(p("linux", "arm", "v7")) > arm64.rank(p("linux", "arm", "v8")));
        assertEquals(-1, arm64.rank(p("linux", "arm64", "v8.2")), "v8.0 cannot run v8.2");
        Platform v92 = Platform.parse("linux/arm64/v9.2");
        assertTrue(v92.rank(p("linux", "arm64", "v9.1")) < v92.rank(p("linux", "arm64", "v8.7")));
        assertEquals(-1, v92.rank(p("linux", "arm64", "v8.8")), "v9.2 has what v8.7 has, not more");
    }

    @Test
    void choosesTheExactVariantOverAnEarlierCompatibleOne() {
        Descriptor v7 = child("v7", p("linux", "arm", "v7"));
        List<Descriptor> children = List.of(child("v6", p("linux", "arm", "v6")), v7);
        assertEquals(Optional.of(v7), Platform.parse("linux/arm").choose(children));
    }

    @Test
    void attestationsAreNeverChosen() {
        Descriptor attestation = child("att", p("unknown", "unknown", null))
                .withAnnotations(Map.of(Descriptor.REFERENCE_TYPE, "attestation-manifest"));
        Descriptor disguised = child("disguised", Platform.parse("linux/amd64"))
                .withAnnotations(Map.of(Descriptor.REFERENCE_TYPE, "attestation-manifest"));
        assertTrue(attestation.isAttestation());
        assertEquals(Optional.empty(), Platform.parse("unknown/unknown").choose(List.of(attestation)));
        assertEquals(Optional.empty(), Platform.parse("linux/amd64").choose(List.of(disguised)));
        ImageIndex index = new ImageIndex(2, MediaType.OCI_INDEX, null, List.of(disguised, attestation), null, null);
        assertEquals(Optional.empty(), index.select(Platform.parse("linux/amd64")));
    }

    @Test
    void missingPartsPrintAsUnknown() {
        assertEquals("unknown/amd64", p(null, "amd64", null).toString());
        assertEquals("linux/unknown", p("linux", null, null).toString());
    }
}
