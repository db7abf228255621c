package dev.jreg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.error.InvalidReferenceException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code oci:} locations read as skopeo's oci: transport reads them. */
class ImageLocationTest {
    static ImageLocation.Layout layout(String text) {
        return assertInstanceOf(ImageLocation.Layout.class, ImageLocation.parse(text));
    }

    @Test
    void theFirstColonEndsTheDirectoryAndTheNameKeepsTheRest() {
        ImageLocation.Layout written = layout("oci:/tmp/l:reg.example/a:1");
        assertEquals(Path.of("/tmp/l"), written.directory());
        assertEquals("reg.example/a:1", written.name());
        assertNull(written.index());
        assertEquals("oci:/tmp/l:reg.example/a:1", written.toString());

        assertEquals("localhost/f:multi", layout("oci:fixtures:localhost/f:multi").name(), "a relative directory");
        assertEquals("a@sha256:" + "0".repeat(64), layout("oci:/tmp/l:a@sha256:" + "0".repeat(64)).name(),
                "a name may hold @ and a digest, read as text as skopeo reads it");
        assertEquals("1.24.0", layout("oci:/tmp/nginx:1.24.0").name());
    }

    @Test
    void noNameIsTheOnlyImageAndAnEmptyNameToo() {
        for (String text : new String[] {"oci:/tmp/l", "oci:/tmp/l:"}) {
            ImageLocation.Layout only = layout(text);
            assertEquals(Path.of("/tmp/l"), only.directory(), text);
            assertNull(only.name(), text);
            assertNull(only.index(), text);
            assertEquals("oci:/tmp/l", only.toString());
        }
    }

    @Test
    void atNumberIsAPositionInTheIndex() {
        ImageLocation.Layout second = layout("oci:/tmp/l:@1");
        assertEquals(1, second.index());
        assertNull(second.name());
        assertEquals("oci:/tmp/l:@1", second.toString());
        assertEquals(0, layout("oci:/tmp/l:@0").index());
    }

    @Test
    void malformedLayoutLocationsAreUsageErrors() {
        InvalidReferenceException notIndex = assertThrows(InvalidReferenceException.class,
                () -> ImageLocation.parse("oci:/tmp/l:@x"));
        assertTrue(notIndex.getMessage().contains("@x is not an index"), notIndex.getMessage());
        assertThrows(InvalidReferenceException.class, () -> ImageLocation.parse("oci:/tmp/l:@-1"));
        assertThrows(InvalidReferenceException.class, () -> ImageLocation.parse("oci::name"));
        InvalidReferenceException byDigest = assertThrows(InvalidReferenceException.class,
                () -> ImageLocation.parse("oci:/tmp/l@sha256:" + "a".repeat(64)));
        assertTrue(byDigest.getMessage().contains("not by digest"), byDigest.getMessage());
        assertThrows(InvalidReferenceException.class, () -> new ImageLocation.Layout(Path.of("/l"), "a", 0));
    }

    @Test
    void anotherTagOfALayoutIsAnotherName() {
        assertEquals("oci:/tmp/l:b:2", layout("oci:/tmp/l:@3").withTag("b:2").toString());
        assertEquals("oci:/tmp/l", layout("oci:/tmp/l:x").repositoryName());
    }
}
