package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Reference;
import dev.jreg.testing.Processes;
import dev.jreg.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code unpack} and {@code commit} through the shipped launcher ({@code cli/target/jreg.jar} and
 * {@code lib/}, its JVM options), as users run them: relative directories in two working
 * directories, edited at different times, commit to the same digest with SOURCE_DATE_EPOCH.
 */
class UnpackCommitPackagedIT {
    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path work;

    @Test
    void relativeDirectoriesInTwoWorkingDirectoriesCommitTheSameImage() throws Exception {
        UnpackCommitTest.storeBase(store);
        List<String> ids = new ArrayList<>();
        for (int copy = 0; copy < 2; copy++) {
            Path cwd = Files.createDirectories(work.resolve("in-" + copy));
            Cli cli = new Cli(home, store).env("SOURCE_DATE_EPOCH", UnpackCommitTest.EPOCH);
            Cli.Result unpacked = cli.launchIn(cwd, "unpack", "base:1", "rootfs");
            assertEquals(0, unpacked.exitCode(), unpacked::toString);
            assertEquals("", unpacked.out());
            // The files as they lie on disk, not the image's compressed size.
            assertTrue(unpacked.err().endsWith("Unpacked base:1 (2 layers; 7 files, 16B unpacked) into "
                    + cwd.resolve("rootfs").toRealPath() + "\n"), unpacked.err());
            Path rootfs = cwd.resolve("rootfs");
            UnpackCommitTest.edit(rootfs);
            Files.setLastModifiedTime(rootfs.resolve("etc/new.conf"), FileTime.from(Instant.now().plus(copy,
                    ChronoUnit.HOURS)));
            Cli.Result committed = cli.launchIn(cwd, "commit", "-c", "CMD [\"./run.sh\"]", "rootfs", "launched:" + copy);
            assertEquals(0, committed.exitCode(), committed::toString);
            assertTrue(committed.out().matches("sha256:[0-9a-f]{64}\n"), committed.out());
            assertTrue(committed.err().contains("Committed launched:" + copy + ": new layer "), committed.err());
            ids.add(committed.out());
        }
        assertEquals(ids.get(0), ids.get(1));
    }

    /**
     * In the C locale, whose character set is ASCII, a name that is not ASCII goes into a layer
     * and comes back out as it was: the launcher gives Java UTF-8 file names. A name whose bytes
     * are not UTF-8, which Java cannot carry, is refused in one line naming it, bytes escaped, in
     * both forms of commit, and nothing is named.
     */
    @Test
    void namesAreUtf8WhateverTheLocaleAndOthersAreRefused() throws Exception {
        UnpackCommitTest.storeBase(store);
        Cli cli = new Cli(home, store).env("LC_ALL", "C");
        Path names = Files.createDirectories(work.resolve("names"));
        Files.writeString(names.resolve("caf\u00e9.txt"), "e");
        Cli.Result added = cli.launch("commit", "-q", "--base", "base:1", "--add", names + ":/names", "utf:1");
        assertEquals(0, added.exitCode(), added::toString);
        Path rootfs = work.resolve("rootfs");
        Cli.Result unpacked = cli.launch("unpack", "-q", "utf:1", rootfs.toString());
        assertEquals(0, unpacked.exitCode(), unpacked::toString);
        assertEquals("e", Files.readString(rootfs.resolve("names/caf\u00e9.txt")));

        Path bad = Files.createDirectories(work.resolve("bad"));
        for (Path directory : List.of(bad, rootfs)) {
            Processes.Result touched = Processes.run(List.of("sh", "-c", "touch \"$1/$(printf 'bad\\377name')\"", "sh",
                    directory.toString()), Duration.ofMinutes(1));
            assertEquals(0, touched.exitCode(), touched.stderr());
        }
        Cli.Result refused = cli.launch("commit", "--base", "base:1", "--add", bad + ":/bn", "x:1");
        assertEquals(2, refused.exitCode(), refused::toString);
        assertEquals("jreg: invalid path is not UTF-8: " + bad.toRealPath() + "/bad\\xffname\n", refused.err());
        refused = cli.launch("commit", rootfs.toString(), "x:1");
        assertEquals(2, refused.exitCode(), refused::toString);
        assertEquals("jreg: invalid path is not UTF-8: " + rootfs.toRealPath() + "/bad\\xffname\n", refused.err());
        Cli.Result images = cli.launch("images", "--format", "{{.Repository}}:{{.Tag}}");
        assertEquals(List.of("base:1", "utf:1"), images.out().lines().sorted().toList(), "nothing named");

        // A layer holding such a name, as GNU tar writes one: refused, not written under another name.
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(layer, "ISO-8859-1")) {
            TarArchiveEntry entry = new TarArchiveEntry("bad\u00ffname");
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
        }
        OciLayout layout = OciLayout.open(store);
        TestImages.Layer badLayer = TestImages.gzipLayer(layer.toByteArray());
        layout.setName(Reference.parse("badname:1").toString(), TestImages.storeImage(layout, UnpackCommitTest.AMD64,
                List.of(badLayer)).descriptor());
        Path out = work.resolve("out");
        refused = cli.launch("unpack", "badname:1", out.toString());
        assertEquals(7, refused.exitCode(), refused::toString);
        assertEquals("jreg: layer " + badLayer.descriptor().digest() + " cannot be read: entry \"bad\\xffname\" has a"
                + " name that is not UTF-8, which cannot be written as it is\n", refused.err());
        assertFalse(Files.exists(out), "no directory left");
    }
}
