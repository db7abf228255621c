package dev.jreg.internal.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.error.InvalidContentException;
import dev.jreg.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A layer's listing stands in for its blob: the entries an {@link ImageEntries} takes from it are
 * those it takes from the blob, kept bytes included, after a trip to bytes and back; a listing
 * keeping fewer files is refused, and damaged bytes are an {@link InvalidContentException}.
 */
class LayerListingTest {
    static final Set<String> KEPT = Set.of("etc/passwd", "etc/group");

    /** A base, and a layer on it that writes through a link, replaces a kept file and whites one out. */
    static final List<byte[]> LAYERS = List.of(
            new TarBuilder().dir("etc").file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
                    .file("etc/group", "root:x:0:\n").dir("real").symlink("lib", "real").file("bin/sh", "#!")
                    .dir("tmp", 01777).hardlink("bin/sh2", "bin/sh").fifo("pipe").tar(),
            new TarBuilder().file("etc/passwd", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n")
                    .whiteout("bin/.wh.sh").file("lib/y", "y", 0640).tar());

    @Test
    void entriesFromListingsAreThoseFromTheBlobs() throws Exception {
        ImageEntries fromBlobs = new ImageEntries(KEPT, 1 << 10);
        ImageEntries fromListings = new ImageEntries(KEPT, 1 << 10);
        for (int i = 0; i < LAYERS.size(); i++) {
            LayerListing listing = fromBlobs.addAndList("layer" + i,
                    new ByteArrayInputStream(TarBuilder.gzip(LAYERS.get(i))));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            listing.write(bytes);
            LayerListing again = LayerListing.read(new ByteArrayInputStream(bytes.toByteArray()));
            assertEquals(listing.entries(), again.entries());
            fromListings.add("layer" + i, again);
        }
        assertEquals(fromBlobs.entries(), fromListings.entries());
        assertTrue(fromListings.entries().containsKey("real/y"), "written through the link: " + fromListings.entries());
        assertEquals(LayerEntry.Type.FILE, fromListings.entries().get("bin/sh2").type(), "the link outlives its first name");
        assertFalse(fromListings.entries().containsKey("bin/sh"), "whited out");
        for (String path : List.of("etc/passwd", "etc/group")) {
            assertEquals(fromBlobs.content(path).map(String::new), fromListings.content(path).map(String::new), path);
        }
        assertTrue(new String(fromListings.content("etc/passwd").orElseThrow()).contains("app:x:1000"),
                "the upper layer's bytes");
        assertTrue(fromListings.content("etc/group").isPresent());
    }

    @Test
    void aListingKeepingFewerFilesIsRefused() throws Exception {
        LayerListing listing = new ImageEntries(Set.of("etc/passwd"), 1 << 10).addAndList("layer",
                new ByteArrayInputStream(LAYERS.get(0)));
        ImageEntries entries = new ImageEntries(KEPT, 1 << 10);
        assertThrows(IllegalArgumentException.class, () -> entries.add("layer", listing));
        assertFalse(listing.keeps(KEPT, 1 << 10));
        assertFalse(listing.keeps(Set.of("etc/passwd"), 1 << 11), "a larger limit needs more bytes");
        assertTrue(listing.keeps(Set.of("etc/passwd"), 16));
        assertEquals(Optional.empty(), entries.content("etc/passwd"));
    }

    @Test
    void damagedBytesAreNoListing() throws Exception {
        LayerListing listing = new ImageEntries(KEPT, 1 << 10).addAndList("layer", new ByteArrayInputStream(LAYERS.get(0)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        listing.write(out);
        byte[] bytes = out.toByteArray();
        assertThrows(InvalidContentException.class, () -> LayerListing.read(new ByteArrayInputStream(
                Arrays.copyOf(bytes, bytes.length / 2))));
        assertThrows(InvalidContentException.class, () -> LayerListing.read(new ByteArrayInputStream(
                "not a listing".getBytes())));
    }
}
