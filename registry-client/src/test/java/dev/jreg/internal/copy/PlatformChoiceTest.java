package dev.jreg.internal.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.CopyOptions;
import dev.jreg.CopyResult;
import dev.jreg.PlatformSelector;
import dev.jreg.error.NoMatchingPlatformException;
import dev.jreg.internal.store.BlobLocations;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.testing.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which child of an index a copy takes: platforms from configs, containerd's names, attestations never. */
class PlatformChoiceTest {
    static final Platform AMD64 = Platform.parse("linux/amd64");
    static final Platform ARM64 = Platform.parse("linux/arm64");

    final MemoryStore source = new MemoryStore();
    final MemoryStore sink = new MemoryStore();
    final Copier copier = new Copier(BlobLocations.NONE);

    /** An image whose config names this os and architecture (and variant, when not null). */
    ManifestBlob image(String os, String architecture, String variant) throws Exception {
        Descriptor config = source.addBlob(MediaType.OCI_CONFIG, "{\"architecture\":\"" + architecture + "\",\"os\":\""
                + os + "\"" + (variant == null ? "" : ",\"variant\":\"" + variant + "\"") + "}");
        Descriptor layer = source.addBlob(MediaType.OCI_LAYER_GZIP, "layer of " + os + "/" + architecture + "/" + variant);
        ManifestBlob m = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null, config, List.of(layer),
                null, null));
        source.addManifest(m, null);
        return m;
    }

    /** An index exactly as written, tagged {@code t}. */
    ManifestBlob index(String json) throws Exception {
        ManifestBlob index = ManifestBlob.of(json.getBytes(StandardCharsets.UTF_8), null);
        source.addManifest(index, "t");
        return index;
    }

    static String entry(ManifestBlob child) {
        return "{\"mediaType\":\"" + child.mediaType() + "\",\"digest\":\"" + child.digest() + "\",\"size\":" + child.size() + "}";
    }

    CopyResult copy(PlatformSelector selector) throws Exception {
        return copier.copy(source, "t", sink, CopyOptions.defaults().withPlatforms(selector));
    }

    @Test
    void indexWhoseOnlyEntryHasNoPlatformTakesItFromTheConfig() throws Exception {
        ManifestBlob amd64 = image("linux", "amd64", null);
        index("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + entry(amd64) + "]}");

        assertEquals(amd64.digest(), copy(PlatformSelector.only(AMD64)).top().digest());
        NoMatchingPlatformException e = assertThrows(NoMatchingPlatformException.class,
                () -> copy(PlatformSelector.only(ARM64)));
        assertTrue(e.getMessage().contains("(it has linux/amd64)"), e.getMessage());
    }

    @Test
    void hostDefaultTakesAPlatformlessEntryWhoseConfigIsTheHosts() throws Exception {
        Platform host = Platform.host();
        ManifestBlob image = image(host.os(), host.architecture(), host.variant());
        index("{\"schemaVersion\":2,\"manifests\":[" + entry(image) + "]}");

        assertEquals(image.digest(), copy(PlatformSelector.host()).top().digest());
    }

    @Test
    void configsWithOtherNamesForTheArchitectureStillMatch() throws Exception {
        ManifestBlob x86 = image("Linux", "x86_64", null);
        ManifestBlob aarch64 = image("linux", "aarch64", "v8");
        index("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + entry(x86) + "," + entry(aarch64) + "]}");

        assertEquals(aarch64.digest(), copy(PlatformSelector.only(Platform.parse("linux/arm64/v8"))).top().digest());
        assertEquals(x86.digest(), copy(PlatformSelector.only(AMD64)).top().digest());

        ImageIndex subset = assertInstanceOf(ImageIndex.class, copy(PlatformSelector.only(AMD64, ARM64)).top().manifest());
        assertEquals(List.of(Platform.of("linux", "amd64", null), Platform.of("linux", "arm64", null)),
                subset.manifests().stream().map(Descriptor::platform).toList(),
                "a new index says what each child's config says, in containerd's names");
    }

    @Test
    void aNewIndexNamesConfigPlatformsAsContainerdDoes() throws Exception {
        ManifestBlob arm = image("linux", "aarch64", null);
        ManifestBlob x86 = image("linux", "x86_64", null);
        index("{\"schemaVersion\":2,\"manifests\":[" + entry(arm) + "," + entry(x86) + "]}");

        String json = new String(copy(PlatformSelector.only(ARM64, AMD64)).top().bytes(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"architecture\":\"arm64\"") && json.contains("\"architecture\":\"amd64\""), json);
        assertFalse(json.contains("aarch64") || json.contains("x86_64"), json);
    }

    @Test
    void aNewIndexNamesArmhfAndI386AsContainerdDoes() throws Exception {
        ManifestBlob armhf = image("Linux", "armhf", null);
        ManifestBlob i386 = image("linux", "i386", null);
        index("{\"schemaVersion\":2,\"manifests\":[" + entry(armhf) + "," + entry(i386) + "]}");

        ImageIndex subset = assertInstanceOf(ImageIndex.class,
                copy(PlatformSelector.only(Platform.parse("linux/arm/v7"), Platform.parse("linux/386"))).top().manifest());
        assertEquals(List.of(Platform.of("linux", "arm", "v7"), Platform.of("linux", "386", null)),
                subset.manifests().stream().map(Descriptor::platform).toList());
    }

    @Test
    void armVariantPrefersTheExactOneThenTheClosestLower() throws Exception {
        ManifestBlob v5 = image("linux", "arm", "v5");
        ManifestBlob v6 = image("linux", "arm", "v6");
        ManifestBlob v7 = image("linux", "arm", "v7");
        String v5Entry = entry(v5).replace("}", ",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v5\"}}");
        String v6Entry = entry(v6).replace("}", ",\"platform\":{\"os\":\"linux\",\"architecture\":\"armel\"}}");
        String v7Entry = entry(v7).replace("}", ",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\"}}");
        index("{\"schemaVersion\":2,\"manifests\":[" + v5Entry + "," + v6Entry + "," + v7Entry + "]}");

        assertEquals(v7.digest(), copy(PlatformSelector.only(Platform.parse("linux/arm/v7"))).top().digest());
        assertEquals(v6.digest(), copy(PlatformSelector.only(Platform.parse("linux/arm/v6"))).top().digest());
        assertEquals(v7.digest(), copy(PlatformSelector.only(Platform.parse("linux/arm/v8"))).top().digest(),
                "no arm/v8 there: the closest lower variant");
        assertEquals(v5.digest(), copy(PlatformSelector.only(Platform.parse("linux/arm/v5"))).top().digest());
    }

    /** A BuildKit index, tagged {@code t}: two images, each with its attestation manifest. */
    record BuildKit(ManifestBlob amd64, ManifestBlob arm64, ManifestBlob attestAmd64, ManifestBlob attestArm64,
            ManifestBlob index) {
    }

    BuildKit buildKit() throws Exception {
        ManifestBlob amd64 = image("linux", "amd64", null);
        ManifestBlob arm64 = image("linux", "arm64", null);
        ManifestBlob attestAmd64 = attestationManifest("amd64");
        ManifestBlob attestArm64 = attestationManifest("arm64");
        return new BuildKit(amd64, arm64, attestAmd64, attestArm64, index("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + withPlatform(entry(amd64), "{\"architecture\":\"amd64\",\"os\":\"linux\"}") + ","
                + withPlatform(entry(arm64), "{\"architecture\":\"arm64\",\"os\":\"linux\"}") + ","
                + attestation(attestAmd64, amd64) + "," + attestation(attestArm64, arm64) + "]}"));
    }

    static String withPlatform(String entry, String platform) {
        return entry.replace("}", ",\"platform\":" + platform + "}");
    }

    static String attestation(ManifestBlob attestation, ManifestBlob subject) {
        return entry(attestation).replace("}", ",\"annotations\":{\"vnd.docker.reference.digest\":\"" + subject.digest()
                + "\",\"vnd.docker.reference.type\":\"attestation-manifest\"},"
                + "\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"}}");
    }

    ManifestBlob attestationManifest(String of) throws Exception {
        ManifestBlob m = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null,
                source.addBlob(MediaType.OCI_CONFIG,
                        "{\"architecture\":\"unknown\",\"os\":\"unknown\",\"config\":{},\"rootfs\":{\"type\":\"layers\"}}"),
                List.of(source.addBlob(MediaType.of("application/vnd.in-toto+json"),
                        "{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"of\":\"" + of + "\"}")), null, null));
        source.addManifest(m, null);
        return m;
    }

    @Test
    void attestationsAreNeverChosenAndLeaveWithASubset() throws Exception {
        BuildKit b = buildKit();

        assertThrows(NoMatchingPlatformException.class,
                () -> copy(PlatformSelector.only(Platform.parse("unknown/unknown"))));
        assertEquals(b.amd64().digest(), copy(PlatformSelector.only(AMD64)).top().digest());
        ImageIndex subset = assertInstanceOf(ImageIndex.class, copy(PlatformSelector.only(AMD64, ARM64)).top().manifest());
        assertEquals(List.of(b.amd64().digest(), b.arm64().digest()),
                subset.manifests().stream().map(Descriptor::digest).toList());
        assertFalse(sink.manifests.containsKey(b.attestAmd64().digest()) || sink.manifests.containsKey(b.attestArm64().digest()));
    }

    @Test
    void aWholeIndexKeepsItsAttestations() throws Exception {
        BuildKit b = buildKit();

        assertEquals(b.index().digest(), copy(PlatformSelector.all()).top().digest());
        assertTrue(sink.manifests.containsKey(b.attestAmd64().digest()) && sink.manifests.containsKey(b.attestArm64().digest()));
    }

    @Test
    void anAttestationWithoutPlatformIsNeitherReadNorChosen() throws Exception {
        ManifestBlob amd64 = image("linux", "amd64", null);
        ManifestBlob missing = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null,
                Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256(new byte[] {1}), 1), List.of(), null,
                Map.of("absent", "from the source")));
        index("{\"schemaVersion\":2,\"manifests\":[" + entry(missing).replace("}", ",\"annotations\":{"
                + "\"vnd.docker.reference.type\":\"attestation-manifest\"}}") + "," + entry(amd64) + "]}");

        assertEquals(amd64.digest(), copy(PlatformSelector.only(AMD64)).top().digest());
    }
}
