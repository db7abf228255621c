package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Platform;
import dev.jreg.testing.TestImages;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names a layout holds that jreg would never write: shown escaped, skipped by copy -a, never the only outcome. */
class LayoutNamesTest {
    private static final String EVIL = "evil\u001b]0;pwned\u0007\u001b[2J";

    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path dir;

    private Cli.Result jreg(String... args) {
        return new Cli(home, store).run(args);
    }

    @BeforeEach
    void layout() throws Exception {
        OciLayout layout = OciLayout.open(dir.resolve("l"));
        ManifestBlob image = TestImages.storeImage(layout, Platform.of("linux", "amd64", null),
                List.of(TestImages.layer(5, 1000)));
        layout.setName(EVIL, image.descriptor());
        layout.setName("ok", image.descriptor());
        layout.setName("reg.example/a:1", image.descriptor());
    }

    @Test
    void tagsOfALayoutEscapeControlCharacters() {
        Cli.Result result = jreg("tags", "oci:" + dir.resolve("l"));
        assertEquals(0, result.exitCode(), result::toString);
        assertFalse(result.out().contains("\u001b") || result.out().contains("\u0007"), result::toString);
        assertTrue(result.out().contains("evil\\u001b]0;pwned\\u0007"), result::toString);
        Cli.Result details = jreg("tags", "-d", "oci:" + dir.resolve("l"));
        assertFalse(details.out().contains("\u001b") || details.out().contains("\u0007"), details::toString);
    }

    @Test
    void copyAllTagsIntoALayoutSkipsNamesItCannotWriteAndCopiesTheRest() {
        Cli.Result result = jreg("copy", "-a", "oci:" + dir.resolve("l"), "oci:" + dir.resolve("copy"));
        assertEquals(0, result.exitCode(), result::toString);
        assertFalse(result.err().contains("\u001b") || result.err().contains("\u0007"), result::toString);
        assertTrue(result.err().contains("is not a name a layout can hold"), result::toString);
        assertTrue(result.err().contains("Copied 2 of 3 tags, skipped 1"), result::toString);
        Cli.Result copied = jreg("tags", "oci:" + dir.resolve("copy"));
        assertEquals(List.of("ok", "reg.example/a:1"), copied.out().lines().sorted().toList(), copied::toString);
    }

    @Test
    void copyAllTagsThatCanCopyNothingIsExitThree() throws Exception {
        OciLayout only = OciLayout.open(dir.resolve("only"));
        ManifestBlob image = TestImages.storeImage(only, Platform.of("linux", "amd64", null),
                List.of(TestImages.layer(6, 1000)));
        only.setName("reg.example/a:1", image.descriptor());
        only.setName("reg.example/b:2", image.descriptor());
        Cli.Result result = jreg("copy", "-a", "oci:" + dir.resolve("only"), "local:fromlayout/x");
        assertEquals(3, result.exitCode(), result::toString);
        assertTrue(result.err().endsWith("can take\n"), result::toString);
        assertEquals(3, jreg("copy", "-q", "-a", "oci:" + dir.resolve("only"), "local:fromlayout/x").exitCode());
    }

    /** A long platform list is cut with how many more, so that rows fit 80 columns; --no-trunc shows it whole. */
    @Test
    void tagDetailsOfManyPlatformsFitEightyColumns() throws Exception {
        java.util.Map<Platform, List<TestImages.Layer>> images = new java.util.LinkedHashMap<>();
        long seed = 10;
        for (String platform : List.of("linux/amd64", "linux/arm64/v8", "linux/s390x", "linux/ppc64le", "linux/386")) {
            images.put(Platform.parse(platform), List.of(TestImages.layer(seed++, 100)));
        }
        OciLayout layout = OciLayout.open(dir.resolve("multi"));
        ManifestBlob index = TestImages.writeIndex(layout, dev.jreg.model.Reference.parse("app:1"), images);
        layout.removeNames(entry -> true);
        layout.setName("1.25.3-bookworm", index.descriptor());
        Cli.Result cut = jreg("tags", "-d", "oci:" + dir.resolve("multi"));
        assertEquals(0, cut.exitCode(), cut::toString);
        cut.out().lines().forEach(line -> assertTrue(line.length() <= 80, line.length() + ": " + line));
        assertTrue(cut.out().contains(" 5 platforms "), cut::toString);
        Cli.Result whole = jreg("tags", "-d", "--no-trunc", "oci:" + dir.resolve("multi"));
        assertTrue(whole.out().contains("linux/amd64,linux/arm64,linux/s390x,linux/ppc64le,linux/386"), whole::toString);
    }
}
