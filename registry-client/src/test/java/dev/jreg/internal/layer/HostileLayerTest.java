package dev.jreg.internal.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.error.InvalidContentException;
import dev.jreg.testing.TarBuilder;
import dev.jreg.testing.TreeSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers built to break out of the target directory, or to exhaust the disk or memory, in the
 * shapes of moby's and containerd's tar-breakout advisories. Each is applied into a fresh target
 * inside a fresh parent that also holds an {@code outside} directory with planted files; after
 * every test (see {@link #nothingOutsideChanged()}) the whole temporary tree except the target is
 * exactly as before — no path added, removed or changed in content, mode, times or link count.
 * Each test then asserts the refusal's message (which {@link Flattener} gives alike) or the
 * documented neutralisation.
 */
class HostileLayerTest {
    @TempDir
    Path temp;
    private Path target;
    private Path outside;
    /** The absolute path of the planted directory, as a hostile layer would name it. */
    private String abs;
    private TreeSnapshot before;
    private final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void plant() throws IOException {
        Path parent = temp.resolve("parent");
        target = parent.resolve("target");
        outside = parent.resolve("outside");
        Files.createDirectories(target);
        Files.createDirectories(outside.resolve("dir"));
        Files.writeString(outside.resolve("precious"), "keep me");
        Files.writeString(outside.resolve("dir/inner"), "keep me too");
        abs = outside.toAbsolutePath().toString();
        before = TreeSnapshot.of(temp).without("parent/target");
    }

    @AfterEach
    void nothingOutsideChanged() throws IOException {
        TreeSnapshot after = TreeSnapshot.of(temp).without("parent/target");
        assertEquals("", before.differences(after), "paths outside the target changed");
    }

    // --- paths that climb out ---

    @Test
    void dotDotEscapeIsRefused() {
        byte[] layer = new TarBuilder().file("../escape", "x").tar();
        assertRefused(layer, ": entry \"../escape\" leaves the target directory");
    }

    @Test
    void dotDotAfterComponentsIsRefused() {
        byte[] layer = new TarBuilder().dir("a").file("a/b/../../../escape", "x").gzip();
        assertRefused(layer, ": entry \"../escape\" leaves the target directory");
    }

    @Test
    void dotDotInsideStaysInside() throws IOException {
        applied(new TarBuilder().file("./a/b/../c", "x").tar());
        assertEquals("x", Files.readString(target.resolve("a/c")));
        assertFalse(Files.exists(target.resolve("a/b")));
    }

    @Test
    void absolutePathIsTakenFromTheRoot() throws IOException {
        applied(new TarBuilder().file("/abs-file", "x").file(abs + "/precious", "overwritten?").tar());
        assertEquals("x", Files.readString(target.resolve("abs-file")));
        assertEquals("overwritten?", Files.readString(target.resolve(abs.substring(1) + "/precious")));
    }

    // --- symbolic links that point out, then entries through them ---

    @Test
    void fileThroughRelativeSymlinkOutLandsInside() throws IOException {
        applied(new TarBuilder().symlink("link", "../outside").file("link/owned", "x").tar());
        assertEquals("x", Files.readString(target.resolve("outside/owned")));
        assertEquals(Path.of("../outside"), Files.readSymbolicLink(target.resolve("link")));
    }

    @Test
    void fileThroughAbsoluteSymlinkOutLandsInside() throws IOException {
        applied(new TarBuilder().symlink("link", abs).file("link/precious", "x").gzip());
        assertEquals("x", Files.readString(target.resolve(abs.substring(1) + "/precious")));
    }

    @Test
    void entriesUnderSymlinkToRootLandInside() throws IOException {
        applied(new TarBuilder().symlink("rootfs", "/").dir("rootfs" + abs + "/dir")
                .file("rootfs" + abs + "/dir/inner", "x").tar());
        assertEquals("x", Files.readString(target.resolve(abs.substring(1) + "/dir/inner")));
    }

    @Test
    void symlinkChainOutLandsInside() throws IOException {
        applied(new TarBuilder().symlink("a", "b").symlink("b", "c/../d").symlink("d", "../../../../outside")
                .file("a/owned", "x").tar());
        assertEquals("x", Files.readString(target.resolve("outside/owned")));
    }

    @Test
    void symlinkLoopIsRefused() {
        byte[] layer = new TarBuilder().symlink("a", "b").symlink("b", "a").file("a/x", "x").tar();
        assertRefused(layer, ": entry \"a/x\" goes through more than 40 symbolic links");
    }

    @Test
    void directoryReplacedBySymlinkThenEntryThroughIt() throws IOException {
        applied(new TarBuilder().dir("d").file("d/a", "a").symlink("d", "../../outside").file("d/owned", "x").tar());
        assertTrue(Files.isSymbolicLink(target.resolve("d")));
        assertEquals("x", Files.readString(target.resolve("outside/owned")));
    }

    @Test
    void directoryReplacedBySymlinkInALaterLayer() throws IOException {
        applied(new TarBuilder().dir("d").file("d/a", "a").tar(), new TarBuilder().symlink("d", abs).tar(),
                new TarBuilder().file("d/precious", "x").tar());
        assertEquals("x", Files.readString(target.resolve(abs.substring(1) + "/precious")));
    }

    @Test
    void fileOverPlantedSymlinkReplacesTheLink() throws IOException {
        applied(new TarBuilder().symlink("f", abs + "/precious").file("f", "mine").tar());
        assertFalse(Files.isSymbolicLink(target.resolve("f")));
        assertEquals("mine", Files.readString(target.resolve("f")));
    }

    @Test
    void fileOverSymlinkOfALowerLayerReplacesTheLink() throws IOException {
        applied(new TarBuilder().dir("etc").symlink("etc/passwd", abs + "/precious").tar(),
                new TarBuilder().file("etc/passwd", "root:x:0:0").gzip());
        assertFalse(Files.isSymbolicLink(target.resolve("etc/passwd")));
        assertEquals("root:x:0:0", Files.readString(target.resolve("etc/passwd")));
    }

    // --- hard links ---

    @Test
    void hardLinkToEtcPasswdIsRefused() {
        byte[] layer = new TarBuilder().hardlink("pw", "/etc/passwd").tar();
        assertRefused(layer, ": entry \"pw\" links to \"etc/passwd\", which no entry"
                + " before it made");
    }

    @Test
    void hardLinkOutOfTheTargetIsRefused() {
        byte[] layer = new TarBuilder().hardlink("hl", "../outside/precious").tar();
        assertRefused(layer, ": entry \"hl\" links to \"../outside/precious\", which"
                + " leaves the target directory");
    }

    @Test
    void hardLinkToALaterEntryIsRefused() {
        byte[] layer = new TarBuilder().hardlink("early", "late").file("late", "x").tar();
        assertRefused(layer, ": entry \"early\" links to \"late\", which no entry before"
                + " it made");
    }

    @Test
    void hardLinkThroughSymlinkOutIsRefused() {
        byte[] layer = new TarBuilder().symlink("d", abs).hardlink("h", "d/precious").tar();
        assertRefused(layer, ": entry \"h\" links to \"d/precious\", which no entry"
                + " before it made");
    }

    @Test
    void hardLinkToSymlinkPointingOutLinksTheLinkItself() throws IOException {
        applied(new TarBuilder().symlink("s", abs + "/precious").hardlink("h", "s").tar(),
                new TarBuilder().file("h", "mine").tar());
        assertEquals(Path.of(abs + "/precious"), Files.readSymbolicLink(target.resolve("s")));
        assertEquals("mine", Files.readString(target.resolve("h")));
    }

    @Test
    void hardLinkToSymlinkIsAnotherNameOfTheLink() throws IOException {
        applied(new TarBuilder().symlink("s", abs + "/precious").hardlink("h", "s").tar());
        assertEquals(Path.of(abs + "/precious"), Files.readSymbolicLink(target.resolve("h")));
        assertEquals(Files.getAttribute(target.resolve("s"), "unix:ino", LinkOption.NOFOLLOW_LINKS),
                Files.getAttribute(target.resolve("h"), "unix:ino", LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void hardLinkToADirectoryIsRefused() {
        byte[] layer = new TarBuilder().dir("d").hardlink("h", "d").tar();
        assertRefused(layer, ": entry \"h\" links to \"d\", which is a directory");
    }

    @Test
    void hardLinkToItselfIsRefused() {
        byte[] layer = new TarBuilder().file("h", "x").hardlink("h", "h").tar();
        assertRefused(layer, ": entry \"h\" links to itself");
    }

    // --- whiteouts ---

    @Test
    void whiteoutOfDotDotIsRefused() {
        byte[] layer = new TarBuilder().dir("a").whiteout("a/.wh...").tar();
        assertRefused(layer, ": entry \"a/.wh...\" whites out the directory above it");
    }

    @Test
    void whiteoutOfItsOwnDirectoryIsRefused() {
        byte[] layer = new TarBuilder().whiteout(".wh..").tar();
        assertRefused(layer, ": entry \".wh..\" whites out its own directory");
    }

    @Test
    void whiteoutOfNoNameIsRefused() {
        byte[] layer = new TarBuilder().whiteout("a/.wh.").tar();
        assertRefused(layer, ": entry \"a/.wh.\" whites out no name");
    }

    @Test
    void whiteoutAboveTheRootIsRefused() {
        byte[] layer = new TarBuilder().whiteout("../.wh.precious").tar();
        assertRefused(layer, ": entry \"../.wh.precious\" leaves the target directory");
    }

    @Test
    void whiteoutThroughSymlinkRemovesOnlyInside() throws IOException {
        applied(new TarBuilder().symlink("l", abs).file(abs + "/precious", "lower").tar(),
                new TarBuilder().whiteout("l/.wh.precious").whiteout("l/.wh.dir").tar());
        assertFalse(Files.exists(target.resolve(abs.substring(1) + "/precious")));
        assertTrue(Files.isSymbolicLink(target.resolve("l")));
    }

    @Test
    void opaqueWhiteoutInSymlinkedDirectoryEmptiesOnlyInside() throws IOException {
        UnpackRecord record = applied(new TarBuilder().dir("outside").file("outside/mine", "lower")
                .symlink("l", "../outside").tar(), new TarBuilder().whiteout("l/.wh..wh..opq").tar());
        assertTrue(Files.isDirectory(target.resolve("outside")));
        assertFalse(Files.exists(target.resolve("outside/mine")));
        assertFalse(record.items().containsKey("outside/mine"));
    }

    @Test
    void aufsMetadataIsSkipped() throws IOException {
        applied(new TarBuilder().dir(".wh..wh.plnk").file(".wh..wh.plnk/1234.5678", "x").file("kept", "x").tar());
        try (Stream<Path> listing = Files.list(target)) {
            assertEquals(List.of("kept"), listing.map(p -> p.getFileName().toString()).toList());
        }
    }

    // --- duplicates, odd names, odd types ---

    @Test
    void duplicateEntryTakesTheLast() throws IOException {
        UnpackRecord record = applied(new TarBuilder().file("f", "one", 0600).dir("d").file("d/x", "x")
                .file("f", "two", 0644).file("d", "now a file").tar());
        assertEquals("two", Files.readString(target.resolve("f")));
        assertEquals("now a file", Files.readString(target.resolve("d")));
        assertEquals(0644, record.items().get("f").entry().mode());
        assertFalse(record.items().containsKey("d/x"));
    }

    @Test
    void nulInNameIsRefused() {
        // A GNU long name keeps what follows a NUL, which a ustar name field cannot.
        byte[] layer = TarBuilder.gnu().file("a".repeat(120) + "\0/etc/passwd", "x").tar();
        assertRefused(layer, ": entry \"" + "a".repeat(100) + "…(132 characters)\""
                + " has a NUL character in its name");
    }

    @Test
    void nulInLinkTargetIsRefused() {
        byte[] layer = TarBuilder.gnu().symlink("s", "b".repeat(120) + "\0x").tar();
        assertRefused(layer, ": entry \"s\" has a link target with a NUL character");
    }

    @Test
    void emptySymlinkTargetIsRefused() {
        byte[] layer = new TarBuilder().symlink("s", "").tar();
        assertRefused(layer, ": entry \"s\" is a symbolic link with an empty target");
    }

    @Test
    void nameComponentTooLongIsRefusedWithTheSystemsReason() {
        byte[] layer = new TarBuilder().file("x".repeat(300), "x").tar();
        String message = refusedWith(IOException.class, layer);
        assertEquals("layer " + TarBuilder.digest(layer) + ": entry \"" + "x".repeat(100) + "…(300 characters)\" cannot"
                + " be written in " + target + ": File name too long", message);
    }

    @Test
    void pathTooLongIsRefusedWithTheSystemsReason() {
        String deep = String.join("/", java.util.Collections.nCopies(20, "d".repeat(250)));
        byte[] layer = new TarBuilder().file(deep + "/f", "x").gzip();
        String message = refusedWith(IOException.class, layer);
        assertTrue(message.startsWith("layer " + TarBuilder.digest(layer) + ": entry \"" + "d".repeat(100)
                + "…(5021 characters)\" cannot be written in " + target + ": "), message);
        assertTrue(message.endsWith("File name too long"), message);
    }

    @Test
    void nonDirectoryAsRootIsRefused() {
        byte[] layer = new TarBuilder().symlink("./", abs).tar();
        assertRefused(layer, ": entry \"\" would replace the target directory itself");
    }

    @Test
    void entryUnderAFileIsRefused() {
        byte[] layer = new TarBuilder().file("f", "x").file("f/x", "x").tar();
        assertRefused(layer, ": entry \"f/x\" is under \"f\", which is not a directory");
    }

    @Test
    void unknownTarTypeIsRefused() {
        byte[] layer = new TarBuilder().add(TarBuilder.header("volume", (byte) 'V', 0644), new byte[0]).tar();
        assertRefused(layer, " cannot be read: entry \"volume\" has tar type 'V', which"
                + " a layer does not hold");
    }

    @Test
    void truncatedGzipIsRefused() {
        byte[] whole = new TarBuilder().file("f", "x".repeat(100_000)).gzip();
        byte[] layer = java.util.Arrays.copyOf(whole, whole.length / 2);
        assertRefused(layer, " cannot be read: Unexpected end of ZLIB input stream");
    }

    @Test
    void deviceNodeWithoutRootIsLeftOutWithOneWarning() throws IOException {
        byte[] layer = new TarBuilder().dir("dev").charDevice("dev/null", 1, 3).charDevice("dev/zero", 1, 5)
                .hardlink("dev/null2", "dev/null").tar();
        LayerApplier applier = new LayerApplier(target, LayerLimits.DEFAULT, warnings::add, false);
        applier.apply(TarBuilder.digest(layer), new ByteArrayInputStream(layer));
        UnpackRecord record = applier.finish();
        assertFalse(Files.exists(target.resolve("dev/null"), LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of("the unpacked files lack 3 device nodes (not running as root); the unpack record keeps"
                + " them"), warnings);
        assertEquals(LayerEntry.Type.CHAR_DEVICE, record.items().get("dev/null").entry().type());
        assertEquals(5, record.items().get("dev/zero").entry().devMinor());
        assertNull(record.items().get("dev/null").stamp());
    }

    @Test
    void setuidAndSetgidModesAreKept() throws IOException {
        applied(new TarBuilder().file("su", "x", 04755).dir("sg", 02775).dir("tmp", 01777).tar());
        assertEquals(04755, mode(target.resolve("su")));
        assertEquals(02775, mode(target.resolve("sg")));
        assertEquals(01777, mode(target.resolve("tmp")));
    }

    // --- bombs ---

    @Test
    void gzipBombIsCutByTheByteLimit() throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        TarBuilder bomb = new TarBuilder(new GZIPOutputStream(compressed), TarArchiveOutputStream.LONGFILE_POSIX);
        bomb.file("small", "x").zeros("huge", 256L << 20);
        bomb.close();
        byte[] layer = compressed.toByteArray();
        assertTrue(layer.length < 1 << 20, "the bomb is small: " + layer.length);
        InvalidContentException e = assertThrows(InvalidContentException.class,
                () -> apply(new LayerLimits(16 << 20, 1000), layer));
        assertEquals("layer " + TarBuilder.digest(layer) + ": the layers' files hold more than 16MiB, the limit of an"
                + " unpack", e.getMessage());
        assertFalse(Files.exists(target.resolve("huge")), "refused before its content is written");
    }

    @Test
    void manySmallFilesAreCutByTheByteLimit() throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        TarBuilder bomb = new TarBuilder(new GZIPOutputStream(compressed), TarArchiveOutputStream.LONGFILE_POSIX);
        for (int i = 0; i < 64; i++) {
            bomb.zeros("f" + i, 1 << 20);
        }
        bomb.close();
        byte[] layer = compressed.toByteArray();
        InvalidContentException e = assertThrows(InvalidContentException.class,
                () -> apply(new LayerLimits(16 << 20, 1000), layer));
        assertEquals("layer " + TarBuilder.digest(layer) + ": the layers' files hold more than 16MiB, the limit of an"
                + " unpack", e.getMessage());
        try (Stream<Path> files = Files.list(target)) {
            assertEquals(16, files.count());
        }
    }

    @Test
    void entryCountBombIsCutByTheEntryLimit() throws IOException {
        TarBuilder many = new TarBuilder();
        for (int i = 0; i < 5000; i++) {
            many.whiteout(".wh.f" + i);
        }
        byte[] layer = many.gzip();
        assertTrue(layer.length < 64 << 10, "the bomb is small: " + layer.length);
        InvalidContentException e = assertThrows(InvalidContentException.class,
                () -> apply(new LayerLimits(1 << 20, 1000), new TarBuilder().file("a", "x").tar(), layer));
        assertEquals("layer " + TarBuilder.digest(layer) + ": the layers hold more than 1000 entries, the limit of an"
                + " unpack", e.getMessage());
    }

    @Test
    void headerRecordBombIsRefusedBeforeItIsRead() {
        TarArchiveEntry entry = TarBuilder.header("f", TarConstants.LF_NORMAL, 0644);
        entry.addPaxHeader("SCHILY.xattr.user.big", "v".repeat(2 << 20));
        byte[] layer = TarBuilder.gzip(new TarBuilder().add(entry, new byte[0]).tar());
        assertTrue(layer.length < 64 << 10, "the bomb is small: " + layer.length);
        assertRefused(layer, " cannot be read: a tar header record of 2097183 bytes, more than the 1048576 a layer's"
                + " may hold");
    }

    // --- helpers ---

    private UnpackRecord applied(byte[]... layers) throws IOException {
        return apply(LayerLimits.DEFAULT, layers);
    }

    private UnpackRecord apply(LayerLimits limits, byte[]... layers) throws IOException {
        LayerApplier applier = new LayerApplier(target, limits, warnings::add);
        for (byte[] layer : layers) {
            applier.apply(TarBuilder.digest(layer), new ByteArrayInputStream(layer));
        }
        return applier.finish();
    }

    /**
     * Asserts that the layer is refused with a message of one line: "layer DIGEST" and {@code rest},
     * by the applier and by {@link Flattener} alike.
     */
    private void assertRefused(byte[] layer, String rest) {
        assertEquals("layer " + TarBuilder.digest(layer) + rest, refusedWith(InvalidContentException.class, layer));
        assertEquals("layer " + TarBuilder.digest(layer) + rest, FlattenerTest.refusal(layer), "flattened");
    }

    private String refusedWith(Class<? extends IOException> type, byte[]... layers) {
        IOException e = assertThrows(type, () -> applied(layers));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }
}
