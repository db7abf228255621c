package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Reference;
import dev.jreg.testing.Processes;
import dev.jreg.testing.TarBuilder;
import dev.jreg.testing.TestImages;
import dev.jreg.testing.Unprivileged;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.Assumptions;
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

    /**
     * An ordinary user ({@code nobody}, through the launcher) unpacks an image whose directories
     * their owner may not enter or list (000, nested, and 0300), each holding a file; adds a file
     * where it may (0300); commits that change, and the whole tree on another base, which reads
     * every file in them; and unpacks both again: every directory keeps its mode, in the trees and
     * in both images (as export lists them), and every file its content.
     */
    @Test
    void anOrdinaryUserCommitsDirectoriesItMayNotEnterAndUnpacksThemAgain() throws Exception {
        String unprivileged = Unprivileged.unavailable();
        Assumptions.assumeTrue(unprivileged == null, unprivileged);
        Path shared = Unprivileged.share(Files.createDirectories(Unprivileged.share(work).resolve("shared")));
        Path layout = shared.resolve("layout");
        TestImages.writeImage(OciLayout.open(layout), Reference.parse("localhost/closed:1"), UnpackCommitTest.AMD64,
                List.of(TestImages.gzipLayer(new TarBuilder().dir("etc").file("etc/a", "a").dir("z", 0).file("z/f", "f\n")
                        .dir("z/sub", 0).file("z/sub/g", "g\n").dir("w", 0300).file("w/h", "h\n").tar())));
        TestImages.writeImage(OciLayout.open(layout), Reference.parse("localhost/other:1"), UnpackCommitTest.AMD64,
                List.of(TestImages.gzipLayer(new TarBuilder().dir("etc").file("etc/a", "a").tar())));
        Path rootfs = shared.resolve("rootfs");
        Path edited = shared.resolve("edited");
        Path whole = shared.resolve("whole");
        String jreg = Cli.LAUNCHER.toString();
        String script = String.join(" && ", "set -e",
                jreg + " unpack -q oci:" + layout + ":localhost/closed:1 " + rootfs,
                "echo new > " + rootfs + "/w/new", "chmod 644 " + rootfs + "/w/new",
                jreg + " commit -q " + rootfs + " edited:1",
                jreg + " commit -q --base oci:" + layout + ":localhost/other:1 " + rootfs + " whole:1",
                jreg + " unpack -q edited:1 " + edited,
                jreg + " unpack -q whole:1 " + whole,
                "stat -c %a " + String.join(" ", List.of(rootfs, edited, whole).stream()
                        .map(dir -> dir + "/z " + dir + "/w").toList()),
                "cat " + edited + "/w/new " + whole + "/w/h",
                jreg + " export edited:1 | tar -tvf - | awk '{print $1, $6}'",
                jreg + " export whole:1 | tar -tvf - | awk '{print $1, $6}'",
                jreg + " export whole:1 | tar -xOf - z/f z/sub/g");
        Processes.Result result = Cli.shellAsUnprivileged(shared.resolve("home"), shared.resolve("store"), script);
        assertEquals(0, result.exitCode(), result.stderr());
        List<String> out = new String(result.stdout(), StandardCharsets.UTF_8).lines().toList();
        List<String> listing = List.of("drwxr-xr-x etc/", "-rw-r--r-- etc/a", "d-wx------ w/", "-rw-r--r-- w/h",
                "-rw-r--r-- w/new", "d--------- z/", "-rw-r--r-- z/f", "d--------- z/sub/", "-rw-r--r-- z/sub/g");
        List<String> expected = new ArrayList<>(List.of("0", "300", "0", "300", "0", "300", "new", "h"));
        expected.addAll(listing);
        expected.addAll(listing);
        expected.addAll(List.of("f", "g"));
        assertEquals(expected, out.subList(2, out.size()), result.stderr());
    }
}
