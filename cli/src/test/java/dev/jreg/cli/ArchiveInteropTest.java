package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageConfig;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages;
import dev.jreg.testing.TestImages.Layer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives shared with skopeo: what {@code jreg save} writes read by skopeo's
 * {@code docker-archive:} and {@code oci-archive:}, and what skopeo writes there loaded by jreg,
 * digests of manifests, configs and layers compared.
 */
class ArchiveInteropTest {
    static final Platform AMD64 = Platform.of("linux", "amd64", null);

    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path dir;
    ManifestBlob nginx;
    ManifestBlob app;

    @BeforeEach
    void images() throws Exception {
        Assumptions.assumeTrue(Skopeo.available() || "1".equals(System.getenv("JREG_REQUIRE_INTEGRATION")),
                "skopeo is not installed (scripts/test installs it)");
        Layer base = TestImages.layer(1, 40_000);
        nginx = TestImages.writeImage(OciLayout.open(store), Reference.parse("nginx:1.24.0"), AMD64,
                List.of(base, TestImages.layer(2, 20_000)));
        app = TestImages.writeImage(OciLayout.open(store), Reference.parse("localhost:5000/app/b:2"), AMD64,
                List.of(base, TestImages.layer(3, 30_000)));
    }

    Cli.Result ok(String... args) {
        return new Cli(home, store).ok(args);
    }

    static ImageManifest manifestOf(ManifestBlob blob) {
        return (ImageManifest) blob.manifest();
    }

    /**
     * What skopeo made of a docker archive jreg wrote, read from the layout it wrote: a manifest
     * of its own (docker's archive has none), whose config has jreg's image's diff IDs and whose
     * layers hash, uncompressed, to them.
     */
    void assertSameLayers(ManifestBlob expected, OciLayout written, String name) throws Exception {
        ImageManifest manifest = (ImageManifest) written.readManifest(written.lookup(name).orElseThrow()).manifest();
        ImageConfig copied = ImageConfig.fromJson(Json.parse(written.readBlob(manifest.config().digest(), 1 << 20)));
        ImageConfig ours = ImageConfig.fromJson(Json.parse(LocalStore.open(store).readBlob(
                manifestOf(expected).config().digest(), 1 << 20)));
        assertEquals(ours.rootfs().diffIds(), copied.rootfs().diffIds());
        assertEquals(ours.rootfs().diffIds(), manifest.layers().stream().map(l -> diffIdOf(written, l).toString())
                .toList(), "skopeo's layers are jreg's");
    }

    /** The digest of a layer's tar, gzip'd or not. */
    static Digest diffIdOf(OciLayout layout, Descriptor layer) {
        try {
            byte[] bytes = Files.readAllBytes(layout.blobPath(layer.digest()));
            boolean gzip = bytes.length > 1 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
            return Digest.sha256(gzip ? TarFiles.gunzip(bytes) : bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void skopeoReadsJregsDockerArchiveByNameAndAsItsOnlyImage() throws Exception {
        Path two = dir.resolve("two.tar");
        ok("save", "-o", two.toString(), "nginx:1.24.0", "localhost:5000/app/b:2");
        for (ManifestBlob image : List.of(nginx, app)) {
            String name = image == nginx ? "nginx:1.24.0" : "localhost:5000/app/b:2";
            Path layout = dir.resolve("oci-" + image.digest().hex());
            Skopeo.copy("docker-archive:" + two + ":" + name, "oci:" + layout + ":copy");
            assertSameLayers(image, OciLayout.open(layout), "copy");
            // dir: keeps docker's format, and so the config's bytes: the image ID is the same.
            Path plain = dir.resolve("dir-" + image.digest().hex());
            Skopeo.copy("docker-archive:" + two + ":" + name, "dir:" + plain);
            ImageManifest copied = manifestOf(ManifestBlob.of(Files.readAllBytes(plain.resolve("manifest.json")), null));
            assertEquals(manifestOf(image).config().digest(), copied.config().digest());
        }
        Path one = dir.resolve("one.tar");
        ok("save", "-o", one.toString(), "nginx:1.24.0");
        Path layout = dir.resolve("only");
        Skopeo.copy("docker-archive:" + one, "oci:" + layout + ":copy");
        assertSameLayers(nginx, OciLayout.open(layout), "copy");
    }

    @Test
    void skopeoReadsJregsOciArchiveDigestsUnchanged() throws Exception {
        Path one = dir.resolve("one.tar");
        ok("save", "--format", "oci", "-o", one.toString(), "nginx:1.24.0");
        Path layout = dir.resolve("only");
        Skopeo.copy("oci-archive:" + one, "oci:" + layout + ":copy");
        assertSameManifest(nginx, OciLayout.open(layout), "copy");

        // Two images: skopeo finds each by its org.opencontainers.image.ref.name, the tag as docker writes it.
        Path two = dir.resolve("two.tar");
        ok("save", "--format", "oci", "-o", two.toString(), "nginx:1.24.0", "localhost:5000/app/b:2");
        Path byTag = dir.resolve("by-tag");
        Skopeo.copy("oci-archive:" + two + ":2", "oci:" + byTag + ":copy");
        assertSameManifest(app, OciLayout.open(byTag), "copy");
    }

    /** The same manifest bytes, and so the same config and layers, every blob present. */
    static void assertSameManifest(ManifestBlob expected, OciLayout written, String name) throws Exception {
        ManifestBlob manifest = written.readManifest(written.lookup(name).orElseThrow());
        assertEquals(expected.digest(), manifest.digest());
        for (Descriptor blob : manifestOf(manifest).blobs()) {
            assertEquals(blob.digest(), Digest.sha256(Files.readAllBytes(written.blobPath(blob.digest()))));
        }
    }

    @Test
    void jregLoadsWhatSkopeoWroteAsDockerAndOciArchives() throws Exception {
        OciLayout fixtures = OciLayout.open(dir.resolve("fixtures"));
        ManifestBlob image = TestImages.writeImage(fixtures, Reference.parse("localhost/f:a"), AMD64,
                List.of(TestImages.layer(7, 30_000), TestImages.layer(8, 10_000)));
        Path dockerArchive = dir.resolve("skopeo-docker.tar");
        Skopeo.copy("oci:" + fixtures.root() + ":localhost/f:a", "docker-archive:" + dockerArchive + ":example.com/sk/a:1");
        Path ociArchive = dir.resolve("skopeo-oci.tar");
        Skopeo.copy("oci:" + fixtures.root() + ":localhost/f:a", "oci-archive:" + ociArchive + ":example.com/sk/b:1");

        Path loadedStore = dir.resolve("loaded");
        Cli loaded = new Cli(home, loadedStore);
        assertEquals("Loaded image: example.com/sk/a:1\n", loaded.ok("load", "-i", dockerArchive.toString()).out());
        assertEquals("Loaded image: example.com/sk/b:1\n", loaded.ok("load", "-i", ociArchive.toString()).out());
        LocalStore result = LocalStore.open(loadedStore);
        ImageManifest fromDocker = manifestOf(result.readManifest(result.lookup(Reference.parse("example.com/sk/a:1"))
                .orElseThrow()));
        assertEquals(MediaType.DOCKER_MANIFEST, fromDocker.mediaType());
        assertEquals(manifestOf(image).config().digest(), fromDocker.config().digest(), "the image ID survives");
        ImageConfig config = ImageConfig.fromJson(Json.parse(result.readBlob(fromDocker.config().digest(), 1 << 20)));
        assertEquals(config.rootfs().diffIds(), fromDocker.layers().stream().map(l -> l.digest().toString()).toList(),
                "skopeo's uncompressed layers, stored as they are");
        assertEquals(image.digest(), result.lookup(Reference.parse("example.com/sk/b:1")).orElseThrow().digest(),
                "the OCI archive's manifest, digest unchanged");
        // One config for both; two layers each, uncompressed and gzip'd; two manifests.
        assertEquals("Checked 7 blobs: store is clean\n", loaded.ok("verify").out());
    }
}
