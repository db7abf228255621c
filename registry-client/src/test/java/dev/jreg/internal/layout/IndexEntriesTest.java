package dev.jreg.internal.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jreg.error.ImageNotFoundException;
import dev.jreg.error.InvalidReferenceException;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.MediaType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexEntriesTest {
    static final Path LAYOUT = Path.of("/tmp/l");

    static Descriptor entry(String name, int n) {
        Descriptor d = Descriptor.of(MediaType.OCI_MANIFEST, Digest.sha256(new byte[] {(byte) n}), 100 + n);
        return name == null ? d : d.withAnnotations(Map.of(Descriptor.REF_NAME, name));
    }

    @Test
    void aNameWithColonsAndSlashesIsLookedUpAsItIs() throws Exception {
        IndexEntries entries = new IndexEntries(LAYOUT, List.of(entry("a:1", 0), entry("reg.example/a:1", 1),
                entry("x@sha256:" + "0".repeat(64), 2)));
        assertEquals(entries.entries().get(1), entries.named("reg.example/a:1"));
        assertEquals(entries.entries().get(2), entries.named("x@sha256:" + "0".repeat(64)));
    }

    @Test
    void anAbsentNameListsTheNamesTheLayoutHas() {
        IndexEntries entries = new IndexEntries(LAYOUT, List.of(entry("a:1", 0), entry("b:2", 1)));
        ImageNotFoundException e = assertThrows(ImageNotFoundException.class, () -> entries.named("x"));
        assertEquals("no image named \"x\" in layout /tmp/l; it has: a:1, b:2", e.getMessage());

        IndexEntries mixed = new IndexEntries(LAYOUT, List.of(entry("a:1", 0), entry(null, 1)));
        assertEquals("no image named \"x\" in layout /tmp/l; it has: a:1, @1",
                assertThrows(ImageNotFoundException.class, () -> mixed.named("x")).getMessage(), "an entry without a name by position");
        assertEquals("no image named \"x\" in layout /tmp/l; it has none",
                assertThrows(ImageNotFoundException.class, () -> new IndexEntries(LAYOUT, List.of()).named("x")).getMessage());
    }

    @Test
    void positionsCountFromZeroAndOutOfRangeSaysHowMany() throws Exception {
        IndexEntries entries = new IndexEntries(LAYOUT, List.of(entry("a:1", 0), entry(null, 1)));
        assertEquals(entries.entries().get(0), entries.at(0));
        assertEquals(entries.entries().get(1), entries.at(1));
        assertEquals("no image @2 in layout /tmp/l; it has 2 (@0 to @1): a:1, @1",
                assertThrows(ImageNotFoundException.class, () -> entries.at(2)).getMessage());
        assertEquals("no image @0 in layout /tmp/l; it has none",
                assertThrows(ImageNotFoundException.class, () -> new IndexEntries(LAYOUT, List.of()).at(0)).getMessage());
    }

    @Test
    void theOnlyEntryWithOrWithoutAName() throws Exception {
        Descriptor crane = entry(null, 0);
        assertEquals(crane, new IndexEntries(LAYOUT, List.of(crane)).only(), "crane writes no name");
        Descriptor named = entry("a:1", 1);
        assertEquals(named, new IndexEntries(LAYOUT, List.of(named)).only());
    }

    @Test
    void severalEntriesMustBeChosenAndNoneIsNotFound() {
        IndexEntries unnamed = new IndexEntries(LAYOUT, List.of(entry(null, 0), entry(null, 1), entry("b:2", 2)));
        InvalidReferenceException several = assertThrows(InvalidReferenceException.class, unnamed::only);
        assertEquals("layout /tmp/l has 3 images; name one as oci:/tmp/l:NAME or oci:/tmp/l:@N: @0, @1, b:2",
                several.getMessage());
        assertEquals("layout /tmp/l has no image",
                assertThrows(ImageNotFoundException.class, () -> new IndexEntries(LAYOUT, List.of()).only()).getMessage());
    }

    @Test
    void longListingsAreCut() {
        List<Descriptor> many = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            many.add(entry("t" + i, i));
        }
        String message = assertThrows(ImageNotFoundException.class, () -> new IndexEntries(LAYOUT, many).named("x")).getMessage();
        assertEquals(true, message.endsWith("t18, t19 and 5 more"), message);
    }
}
