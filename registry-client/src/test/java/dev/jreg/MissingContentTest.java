package dev.jreg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.error.BlobNotFoundException;
import dev.jreg.error.ImageNotFoundException;
import dev.jreg.error.NoMatchingPlatformException;
import dev.jreg.error.RegistryException;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.internal.registry.RegistryClient;
import dev.jreg.model.Descriptor;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the local store, a layout or an index lacks is an exception of its own, carrying what was
 * asked for — never a registry's {@code NotFoundException} with a status, method and URL no
 * registry sent.
 */
class MissingContentTest {
    private static final Platform AMD64 = Platform.of("linux", "amd64", null);
    private static final Platform ARM64 = Platform.of("linux", "arm64", null);
    private static final Platform S390X = Platform.of("linux", "s390x", null);

    @TempDir
    Path store;
    @TempDir
    Path layoutDir;

    private Jreg jreg() throws Exception {
        return Jreg.open(new JregOptions(store, RegistryOptions.defaults(), 2));
    }

    private ManifestBlob image(String name, long seed) throws Exception {
        return TestImages.writeImage(OciLayout.open(store), Reference.parse(name), AMD64,
                List.of(TestImages.layer(seed, 500)));
    }

    private ImageLocation.Local index(String name) throws Exception {
        Map<Platform, List<TestImages.Layer>> platforms = new LinkedHashMap<>();
        platforms.put(AMD64, List.of(TestImages.layer(1, 300)));
        platforms.put(ARM64, List.of(TestImages.layer(2, 300)));
        TestImages.writeIndex(OciLayout.open(store), Reference.parse(name), platforms);
        return new ImageLocation.Local(Reference.parse(name));
    }

    @Test
    void aNameMissingFromTheStoreNamesWhatWasAskedForAndTheTagsStored() throws Exception {
        image("nginx:1.24.0", 1);
        image("nginx:1.25", 2);

        ImageNotFoundException e = assertThrows(ImageNotFoundException.class, () -> jreg().localReference("nginx"));

        assertEquals("no such image in the local store: nginx:latest (stored: nginx:1.24.0, nginx:1.25)", e.getMessage());
        assertEquals("nginx:latest", e.name());
        assertEquals(List.of("nginx:1.24.0", "nginx:1.25"), e.stored());
        assertFalse(RegistryException.class.isInstance(e), "no registry was asked");
    }

    @Test
    void anImageIdPrefixTagSourceAndPushOfWhatTheStoreLacksAreImageNotFound() throws Exception {
        image("nginx:1.24.0", 1);
        Jreg jreg = jreg();

        ImageNotFoundException id = assertThrows(ImageNotFoundException.class,
                () -> jreg.localReference("sha256:0123abcd"));
        assertEquals("sha256:0123abcd", id.name());
        assertEquals(List.of(), id.stored());
        assertEquals("no such image in the local store: sha256:0123abcd", id.getMessage());

        ImageNotFoundException tag = assertThrows(ImageNotFoundException.class,
                () -> jreg.tag("nosuch:1", Reference.parse("other:1")));
        assertEquals("nosuch:1", tag.name());

        ImageNotFoundException push = assertThrows(ImageNotFoundException.class, () -> jreg.push(
                Reference.parse("127.0.0.1:1/nosuch:1"), CopyOptions.defaults(), UploadOptions.monolithic()));
        assertEquals("127.0.0.1:1/nosuch:1", push.name());

        RemoveResult removed = jreg.remove(List.of("nosuch:1"), false);
        assertInstanceOf(ImageNotFoundException.class, removed.failures().get(0).error());
    }

    @Test
    void aNameMissingFromALayoutIsImageNotFound() throws Exception {
        ImageLocation.Layout missing = new ImageLocation.Layout(layoutDir, "missing");
        ImageNotFoundException noLayout = assertThrows(ImageNotFoundException.class, () -> jreg().manifest(missing));
        assertEquals("no OCI layout at " + layoutDir + " (it has no index.json)", noLayout.getMessage());

        java.nio.file.Files.writeString(layoutDir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        java.nio.file.Files.writeString(layoutDir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[]}");
        ImageNotFoundException e = assertThrows(ImageNotFoundException.class, () -> jreg().manifest(missing));

        assertEquals("no image named \"missing\" in layout " + layoutDir.toAbsolutePath().normalize() + "; it has none",
                e.getMessage());
        assertEquals("missing", e.name());
    }

    @Test
    void aBlobTheStoreLostIsBlobNotFoundWithItsDigest() throws Exception {
        ManifestBlob manifest = image("app:1", 3);
        Descriptor layer = ((ImageManifest) manifest.manifest()).layers().get(0);
        OciLayout layout = OciLayout.open(store);
        Files.delete(layout.blobPath(layer.digest()));
        Jreg jreg = jreg();

        BlobNotFoundException copy = assertThrows(BlobNotFoundException.class, () -> jreg.copy(
                new ImageLocation.Local(Reference.parse("app:1")), new ImageLocation.Layout(layoutDir, "app"),
                CopyOptions.defaults(), UploadOptions.monolithic()));
        assertEquals(layer.digest(), copy.digest());
        assertEquals("local:app:1 is incomplete: blob " + layer.digest()
                + " is missing from the local store; pull it again to fetch what is missing", copy.getMessage());

        BlobNotFoundException blob = assertThrows(BlobNotFoundException.class, () -> jreg.blob(
                new ImageLocation.Local(Reference.parse("app:1")), layer.digest(), new ByteArrayOutputStream()));
        assertEquals(layer.digest(), blob.digest());
        assertEquals("local:docker.io/library/app@" + layer.digest() + ": blob unknown", blob.getMessage());
    }

    @Test
    void aManifestALayoutsEntryNamesButLacksIsBlobNotFoundSayingTheLayoutIsDamaged() throws Exception {
        OciLayout layout = OciLayout.open(layoutDir);
        ManifestBlob manifest = TestImages.writeImage(layout, Reference.parse("localhost/app:1"), AMD64,
                List.of(TestImages.layer(4, 500)));
        Files.delete(layout.blobPath(manifest.digest()));

        BlobNotFoundException e = assertThrows(BlobNotFoundException.class,
                () -> jreg().inspect(new ImageLocation.Layout(layoutDir, "localhost/app:1"), null));
        assertEquals(manifest.digest(), e.digest());
        assertEquals("layout " + layout.root() + " is damaged: its entry localhost/app:1 names manifest " + manifest.digest()
                + " which it does not hold", e.getMessage());
    }

    /** A manifest two entries reach is blamed on the one asked for: its index, not the other entry. */
    @Test
    void aMissingChildIsBlamedOnTheIndexOfTheEntryAskedFor() throws Exception {
        OciLayout layout = OciLayout.open(layoutDir);
        ManifestBlob image = TestImages.writeImage(layout, Reference.parse("localhost/d:1"), AMD64,
                List.of(TestImages.layer(5, 500)));
        ManifestBlob list = ManifestBlob.create(new dev.jreg.model.ImageIndex(2, dev.jreg.model.MediaType.OCI_INDEX, null,
                List.of(image.descriptor().withPlatform(AMD64)), null, null));
        layout.putBytes(list.digest(), list.bytes());
        layout.setName("localhost/l:1", list.descriptor());
        Files.delete(layout.blobPath(image.digest()));

        BlobNotFoundException e = assertThrows(BlobNotFoundException.class,
                () -> jreg().inspect(new ImageLocation.Layout(layoutDir, "localhost/l:1"), null));
        assertEquals("layout " + layout.root() + " is damaged: the index of its entry localhost/l:1 names manifest "
                + image.digest() + " which it does not hold", e.getMessage());
        BlobNotFoundException other = assertThrows(BlobNotFoundException.class,
                () -> jreg().inspect(new ImageLocation.Layout(layoutDir, "localhost/d:1"), null));
        assertTrue(other.getMessage().contains("its entry localhost/d:1 names manifest"), other.getMessage());
    }

    @Test
    void aTargetLayoutWhoseIndexCannotBeReadGetsNoBlob() throws Exception {
        TestImages.writeImage(OciLayout.open(layoutDir), Reference.parse("localhost/src:1"), AMD64,
                List.of(TestImages.layer(6, 500)));
        Path target = Files.createDirectories(layoutDir.resolveSibling("broken-target"));
        Files.writeString(target.resolve("index.json"), "{x");

        dev.jreg.error.InvalidContentException e = assertThrows(dev.jreg.error.InvalidContentException.class,
                () -> jreg().copy(new ImageLocation.Layout(layoutDir, "localhost/src:1"),
                        new ImageLocation.Layout(target, "n"), CopyOptions.defaults(), UploadOptions.monolithic()));
        assertTrue(e.getMessage().contains("is not valid JSON"), e.getMessage());
        assertFalse(Files.exists(target.resolve("blobs")), "nothing written");
    }

    @Test
    void aPlatformMissingFromAnIndexIsNoMatchingPlatformNamingWhatItHas() throws Exception {
        ImageLocation.Local multi = index("multi:1");

        NoMatchingPlatformException e = assertThrows(NoMatchingPlatformException.class,
                () -> jreg().config(multi, S390X));

        assertEquals("no image for platform linux/s390x in local:docker.io/library/multi:1"
                + " (it has linux/amd64, linux/arm64)", e.getMessage());
        assertEquals(S390X, e.platform());
        assertEquals("local:docker.io/library/multi:1", e.location());
        assertFalse(RegistryException.class.isInstance(e), "no registry was asked");
    }

    @Test
    void inspectAndCopyOfAMissingPlatformAreNoMatchingPlatformToo() throws Exception {
        ImageLocation.Local multi = index("multi:1");
        Jreg jreg = jreg();

        NoMatchingPlatformException inspect = assertThrows(NoMatchingPlatformException.class,
                () -> jreg.inspect(multi, Platform.parse("windows/amd64")));
        assertEquals(Platform.parse("windows/amd64"), inspect.platform());

        NoMatchingPlatformException copy = assertThrows(NoMatchingPlatformException.class, () -> jreg.copy(multi,
                new ImageLocation.Layout(layoutDir, "one"), CopyOptions.defaults().withPlatforms(PlatformSelector.only(S390X)),
                UploadOptions.monolithic()));
        assertEquals(S390X, copy.platform());
        assertFalse(RegistryException.class.isInstance(copy), "no registry was asked");
    }

    @Test
    void theFacadeHandsOutNeitherItsStoreNorItsRegistryClient() {
        List<Method> leaks = Arrays.stream(Jreg.class.getMethods())
                .filter(m -> m.getReturnType() == OciLayout.class || m.getReturnType() == RegistryClient.class)
                .toList();
        assertEquals(List.of(), leaks);
    }
}
