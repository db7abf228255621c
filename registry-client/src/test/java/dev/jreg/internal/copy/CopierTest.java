package dev.jreg.internal.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.CopyListener;
import dev.jreg.CopyOptions;
import dev.jreg.CopyResult;
import dev.jreg.PlatformSelector;
import dev.jreg.error.InvalidContentException;
import dev.jreg.error.NoMatchingPlatformException;
import dev.jreg.internal.store.BlobLocations;
import dev.jreg.model.Descriptor;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.testing.MemoryStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CopierTest {
    static final Platform AMD64 = Platform.parse("linux/amd64");
    static final Platform ARM64 = Platform.parse("linux/arm64/v8");
    static final Platform PPC = Platform.parse("linux/ppc64le");

    final MemoryStore source = new MemoryStore();
    final MemoryStore sink = new MemoryStore();
    final Copier copier = new Copier(BlobLocations.NONE);

    Descriptor blob(String content, MediaType type) {
        return source.addBlob(type, content);
    }

    ManifestBlob image(String name, Descriptor... layers) throws IOException {
        Descriptor config = blob("{\"config\":\"" + name + "\"}", MediaType.OCI_CONFIG);
        ManifestBlob m = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null, config, List.of(layers),
                null, null));
        source.addManifest(m, null);
        return m;
    }

    ManifestBlob threePlatformIndex(Descriptor shared) throws IOException {
        List<Descriptor> children = new ArrayList<>();
        children.add(image("amd", shared, blob("amd layer", MediaType.OCI_LAYER_GZIP)).descriptor().withPlatform(AMD64));
        children.add(image("arm", shared, blob("arm layer", MediaType.OCI_LAYER_GZIP)).descriptor().withPlatform(ARM64));
        children.add(image("ppc", shared, blob("ppc layer", MediaType.OCI_LAYER_GZIP)).descriptor().withPlatform(PPC));
        ManifestBlob index = ManifestBlob.create(new ImageIndex(2, MediaType.OCI_INDEX, null, children, null, null));
        source.addManifest(index, "multi");
        return index;
    }

    @Test
    void allPlatformsKeepsTheIndexDigestAndCopiesSharedLayersOnce() throws Exception {
        Descriptor shared = blob("shared base", MediaType.OCI_LAYER_GZIP);
        ManifestBlob index = threePlatformIndex(shared);

        CopyResult result = copier.copy(source, "multi", sink, CopyOptions.defaults().withPlatforms(PlatformSelector.all()));

        assertEquals(index.digest(), result.top().digest());
        assertEquals(index.digest(), result.sourceDigest());
        assertEquals(7, result.blobsCopied(), "3 configs + 3 own layers + 1 shared layer");
        assertEquals(1, sink.events.stream().filter(e -> e.equals("blob " + shared.digest().shortHex())).count());
        List<String> order = sink.events;
        assertEquals("commit " + index.digest().shortHex(), order.get(order.size() - 1), "the name is written last");
        assertTrue(order.indexOf("manifest " + index.digest().shortHex()) > order.lastIndexOf("blob " + shared.digest().shortHex()));
    }

    @Test
    void onePlatformCopiesThatImageAlone() throws Exception {
        ManifestBlob index = threePlatformIndex(blob("shared", MediaType.OCI_LAYER_GZIP));
        Descriptor arm = ((ImageIndex) index.manifest()).select(ARM64).orElseThrow();

        CopyResult result = copier.copy(source, "multi", sink, CopyOptions.defaults().withPlatforms(PlatformSelector.only(ARM64)));

        assertEquals(arm.digest(), result.top().digest());
        assertEquals(index.digest(), result.sourceDigest());
        assertEquals(3, result.blobsCopied());
        assertFalse(sink.manifests.containsKey(index.digest()));
    }

    @Test
    void severalPlatformsMakeANewValidIndexOfJustThose() throws Exception {
        ManifestBlob index = threePlatformIndex(blob("shared", MediaType.OCI_LAYER_GZIP));

        CopyResult result = copier.copy(source, "multi", sink,
                CopyOptions.defaults().withPlatforms(PlatformSelector.only(AMD64, PPC)));

        ManifestBlob top = sink.manifests.get(result.top().digest());
        ImageIndex subset = assertInstanceOf(ImageIndex.class, top.manifest());
        assertEquals(MediaType.OCI_INDEX, top.mediaType());
        assertEquals(List.of(AMD64, PPC), subset.manifests().stream().map(Descriptor::platform).toList());
        for (Descriptor child : subset.manifests()) {
            assertTrue(sink.manifests.containsKey(child.digest()), "no sparse index: every child is present");
        }
        assertFalse(result.top().digest().equals(index.digest()));
    }

    @Test
    void aSubsetIndexKeepsTheFieldsOfItsSourceThatNameNoChild() throws Exception {
        threePlatformIndex(blob("shared", MediaType.OCI_LAYER_GZIP));
        ImageIndex three = (ImageIndex) source.manifest("multi").manifest();
        Descriptor subject = blob("{\"about\":1}", MediaType.OCI_MANIFEST);
        com.fasterxml.jackson.databind.node.ObjectNode json = three.toJson();
        json.set("subject", subject.toJson());
        json.put("org.example.unknown", "kept");
        json.putObject("annotations").put("org.example.note", "kept too");
        ManifestBlob index = ManifestBlob.create(ImageIndex.fromJson(json));
        source.addManifest(index, "annotated");

        CopyResult result = copier.copy(source, "annotated", sink,
                CopyOptions.defaults().withPlatforms(PlatformSelector.only(AMD64, PPC)));

        ImageIndex subset = (ImageIndex) sink.manifests.get(result.top().digest()).manifest();
        assertEquals(2, subset.manifests().size());
        assertEquals(subject, subset.subject());
        assertEquals(Map.of("org.example.note", "kept too"), subset.annotations());
        assertEquals("kept", subset.toJson().path("org.example.unknown").asText());
    }

    @Test
    void missingPlatformNamesTheAvailableOnes() throws Exception {
        threePlatformIndex(blob("shared", MediaType.OCI_LAYER_GZIP));
        NoMatchingPlatformException e = assertThrows(NoMatchingPlatformException.class, () -> copier.copy(source,
                "multi", sink, CopyOptions.defaults().withPlatforms(PlatformSelector.only(Platform.parse("windows/amd64")))));
        assertTrue(e.getMessage().contains("linux/amd64, linux/arm64, linux/ppc64le"), e.getMessage());
        assertEquals(Platform.parse("windows/amd64"), e.platform());
        assertEquals(source.describe(), e.location());
    }

    @Test
    void secondCopySkipsEverythingAndIsUpToDate() throws Exception {
        ManifestBlob single = image("one", blob("l1", MediaType.OCI_LAYER_GZIP));
        source.addManifest(single, "one");
        CopyResult first = copier.copy(source, "one", sink, CopyOptions.defaults());
        CopyResult second = copier.copy(source, "one", sink, CopyOptions.defaults());
        assertFalse(first.upToDate());
        assertEquals(0, second.blobsCopied());
        assertEquals(2, second.blobsSkipped());
        assertTrue(second.upToDate());
    }

    @Test
    void aFailedBlobFailsTheCopyAndNothingIsNamed() throws Exception {
        Descriptor bad = blob("will fail", MediaType.OCI_LAYER_GZIP);
        ManifestBlob single = image("x", blob("fine", MediaType.OCI_LAYER_GZIP), bad);
        source.addManifest(single, "x");
        source.failingBlob = bad.digest();

        IOException e = assertThrows(IOException.class, () -> copier.copy(source, "x", sink, CopyOptions.defaults()));
        assertTrue(e.getMessage().contains("injected failure"), e.getMessage());
        assertTrue(sink.events.stream().noneMatch(ev -> ev.startsWith("commit")));
    }

    @Test
    void indexesNestedTooDeepAreRefused() throws Exception {
        ManifestBlob leaf = image("leaf", blob("layer", MediaType.OCI_LAYER_GZIP));
        ManifestBlob current = leaf;
        for (int depth = 0; depth < 6; depth++) {
            current = ManifestBlob.create(new ImageIndex(2, MediaType.OCI_INDEX, null,
                    List.of(current.descriptor().withPlatform(AMD64)), null, null));
            source.addManifest(current, null);
        }
        source.addManifest(current, "deep");
        InvalidContentException e = assertThrows(InvalidContentException.class,
                () -> copier.copy(source, "deep", sink, CopyOptions.defaults().withPlatforms(PlatformSelector.all())));
        assertTrue(e.getMessage().contains("nested"), e.getMessage());
    }

    @Test
    void childWhoseSizeDiffersFromTheIndexIsRefused() throws Exception {
        ManifestBlob child = image("c", blob("layer", MediaType.OCI_LAYER_GZIP));
        Descriptor lying = new Descriptor(child.mediaType(), child.digest(), child.size() + 1, AMD64, null, null, null);
        ManifestBlob index = ManifestBlob.create(new ImageIndex(2, MediaType.OCI_INDEX, null, List.of(lying), null, null));
        source.addManifest(index, "lying");
        assertThrows(InvalidContentException.class, () -> copier.copy(source, "lying", sink, CopyOptions.defaults()));
    }

    /** Against a registry each check is a round trip: one at a time, they would add up before any bytes move. */
    @Test
    void theSinkIsAskedForEveryBlobAtOnce() throws Exception {
        ManifestBlob single = image("z", blob("z1", MediaType.OCI_LAYER_GZIP), blob("z2", MediaType.OCI_LAYER_GZIP));
        source.addManifest(single, "z");
        sink.hasBlobBarrier = new java.util.concurrent.CyclicBarrier(3); // config and two layers
        CopyResult result = copier.copy(source, "z", sink, CopyOptions.defaults());
        assertEquals(3, result.blobsCopied());
    }

    @Test
    void listenerHearsPlanSkipsAndCompletions() throws Exception {
        Descriptor l1 = blob("l1", MediaType.OCI_LAYER_GZIP);
        Descriptor l2 = blob("l2", MediaType.OCI_LAYER_GZIP);
        ManifestBlob single = image("y", l1, l2);
        source.addManifest(single, "y");
        sink.blobs.put(l1.digest(), source.blobs.get(l1.digest()));
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        CopyListener listener = new CopyListener() {
            @Override
            public void planned(List<Descriptor> layers) {
                heard.add("planned " + layers.size());
            }

            @Override
            public void blobSkipped(Descriptor b) {
                heard.add("skipped " + b.digest().shortHex());
            }

            @Override
            public void blobDone(Descriptor b) {
                heard.add("done " + b.digest().shortHex());
            }
        };
        copier.copy(source, "y", sink, CopyOptions.defaults().withListener(listener));
        assertEquals("planned 2", heard.get(0), "configs are not listed as layers");
        assertTrue(heard.contains("skipped " + l1.digest().shortHex()));
        assertTrue(heard.contains("done " + l2.digest().shortHex()));
    }
}
