package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image built without a name, used by the ID {@code jreg build} prints, as docker's
 * {@code X=$(docker build -q .)}: every command that reads a local image takes it as
 * {@code sha256:HEX}, the 64 hex digits or a unique prefix, and never asks a registry for one.
 */
class ImageIdTest {
    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path work;

    private Path context;
    /** The unnamed image's ID, {@code sha256:…}. */
    private String id;

    private Cli.Result jreg(String... args) {
        return new Cli(home, store).run(args);
    }

    private Cli.Result ok(String... args) {
        return new Cli(home, store).ok(args);
    }

    @BeforeEach
    void buildWithoutAName() throws Exception {
        BuildTest.storeBase(store, Map.of());
        context = Files.createDirectories(work.resolve("ctx"));
        Files.writeString(context.resolve("hello.txt"), "hello\n");
        Files.writeString(context.resolve("Dockerfile"), "FROM base:1 AS base\nCOPY hello.txt /hello.txt\n");
        id = ok("build", "-q", "--target", "base", context.toString()).out().strip();
        assertTrue(id.matches("sha256:[0-9a-f]{64}"), id);
        assertTrue(OciLayout.open(store).names().stream().anyMatch(d -> d.annotations().isEmpty()),
                "the image has no name");
    }

    /** The three forms docker takes: {@code sha256:HEX}, the 64 digits, a prefix of 12. */
    private List<String> forms() {
        return List.of(id, id.substring(7), id.substring(7, 19));
    }

    @Test
    void unpackTakesEachFormOfAnUnnamedImagesId() throws Exception {
        for (String form : forms()) {
            Path dir = work.resolve("rootfs-" + form.length());
            Cli.Result unpacked = ok("unpack", form, dir.toString());
            assertEquals("hello\n", Files.readString(dir.resolve("hello.txt")), unpacked::toString);
            assertFalse(unpacked.err().contains("Unable to find"), unpacked::toString);
        }
    }

    @Test
    void historyInspectAndConfigLocalTakeEachForm() {
        for (String form : forms()) {
            assertTrue(ok("history", "--local", "--no-trunc", "-q", form).out().startsWith(id + "\n"), form);
            assertTrue(ok("config", "--local", form).out().contains("\"diff_ids\""), form);
            assertTrue(ok("inspect", "--local", "--format", "json", form).out().contains(id.substring(7)), form);
        }
        // The full forms are never a registry's name, even without --local.
        assertTrue(ok("config", id).out().contains("\"diff_ids\""));
        assertTrue(ok("history", "-q", "--no-trunc", id.substring(7)).out().startsWith(id + "\n"));
    }

    @Test
    void tagSaveExportSquashCommitAndCopyTakeAShortId() throws Exception {
        String shortId = id.substring(7, 19);
        ok("save", "-o", work.resolve("a.tar").toString(), shortId);
        ok("export", "-o", work.resolve("fs.tar").toString(), id);
        assertTrue(Files.size(work.resolve("fs.tar")) > 0);
        ok("squash", id.substring(7), "squashed:1");
        Path dir = Files.createDirectories(work.resolve("edit"));
        Files.writeString(dir.resolve("new.txt"), "new\n");
        ok("commit", "--base", shortId, dir.toString(), "committed:1");
        ok("copy", "local:" + shortId, "oci:" + work.resolve("layout") + ":app");
        ok("copy", "local:" + id, "oci:" + work.resolve("layout2"));
        ok("tag", shortId, "named:1");
        assertTrue(ok("images", "-q", "--no-trunc", "named:1").out().contains(id));
        Cli.Result removed = ok("rm", shortId);
        assertTrue(removed.out().contains("Untagged: named:1\n"), removed::toString);
        assertFalse(ok("images", "-q", "--no-trunc").out().contains(id), "the ID removed the image");
    }

    @Test
    void unpackAndCommitRoundTripThroughAnUnnamedBase() throws Exception {
        Path dir = work.resolve("rootfs");
        ok("unpack", id.substring(7, 19), dir.toString());
        Files.writeString(dir.resolve("more.txt"), "more\n");
        Cli.Result committed = ok("commit", dir.toString(), "more:1");
        assertTrue(committed.out().strip().matches("sha256:[0-9a-f]{64}"), committed::toString);
        Path again = work.resolve("again");
        ok("unpack", "more:1", again.toString());
        assertEquals("more\n", Files.readString(again.resolve("more.txt")));
        assertEquals("hello\n", Files.readString(again.resolve("hello.txt")));
    }

    @Test
    void buildFromAnImageIdUsesTheStoresImage() throws Exception {
        for (String form : forms()) {
            Files.writeString(context.resolve("Dockerfile"), "FROM " + form + "\nCOPY hello.txt /again.txt\n");
            Cli.Result built = ok("build", "-t", "child:1", context.toString());
            assertTrue(built.err().contains("FROM " + id.substring(0, 40)), built::toString);
            Path dir = work.resolve("child-" + form.length());
            ok("unpack", "child:1", dir.toString());
            assertEquals("hello\n", Files.readString(dir.resolve("hello.txt")));
            assertEquals("hello\n", Files.readString(dir.resolve("again.txt")));
        }
    }

    @Test
    void anIdInNoImageIsNotFoundInOneLineWithoutARegistry() {
        String missing = "0123456789ab0123456789ab0123456789ab0123456789ab0123456789abcdef";
        for (String form : List.of("sha256:" + missing, missing, missing.substring(0, 12))) {
            for (List<String> args : List.of(List.of("unpack", form, work.resolve("x").toString()),
                    List.of("history", "--local", form), List.of("inspect", "--local", form),
                    List.of("config", "--local", form), List.of("export", "-o", work.resolve("x.tar").toString(), form),
                    List.of("tag", form, "x:1"), List.of("rm", form))) {
                Cli.Result result = jreg(args.toArray(String[]::new));
                assertEquals(3, result.exitCode(), result::toString);
                assertEquals("jreg: no such image in the local store: " + form + "\n", result.err(), result::toString);
            }
        }
        Path dockerfile = context.resolve("Dockerfile");
        for (String form : List.of("sha256:" + missing, missing)) {
            Cli.Result pulled = jreg("pull", form);
            assertEquals(2, pulled.exitCode(), pulled::toString);
            assertFalse(pulled.err().contains("docker.io"), pulled::toString);
        }
        assertFalse(Files.exists(work.resolve("x")));
        assertTrue(Files.exists(dockerfile));
    }

    @Test
    void buildFromAnIdInNoImageIsNotFound() throws Exception {
        Files.writeString(context.resolve("Dockerfile"), "FROM sha256:" + "0".repeat(64) + "\n");
        Cli.Result built = jreg("build", context.toString());
        assertEquals(3, built.exitCode(), built::toString);
        assertTrue(built.err().contains("no such image in the local store: sha256:" + "0".repeat(64)), built::toString);
    }

    @Test
    void anAmbiguousPrefixIsRefusedAsDockerRefusesIt() throws Exception {
        Map<Character, List<String>> byFirst = new HashMap<>();
        byFirst.computeIfAbsent(id.charAt(7), c -> new ArrayList<>()).add(id);
        // 17 images: two IDs share their first hex digit, whatever the hashes are.
        for (int i = 0; i < 16; i++) {
            ManifestBlob manifest = TestImages.writeImage(OciLayout.open(store), Reference.parse("many:" + i),
                    Platform.host(), List.of(TestImages.layer(100 + i, 100)));
            String other = ((ImageManifest) manifest.manifest()).config().digest().toString();
            byFirst.computeIfAbsent(other.charAt(7), c -> new ArrayList<>()).add(other);
        }
        String prefix = byFirst.entrySet().stream().filter(e -> e.getValue().size() > 1).findFirst().orElseThrow()
                .getKey().toString();
        for (String form : List.of(prefix, "sha256:" + prefix)) {
            Cli.Result result = jreg("unpack", form, work.resolve("x").toString());
            assertEquals(2, result.exitCode(), result::toString);
            assertTrue(result.err().startsWith("jreg: image ID " + prefix + " is ambiguous: it begins "),
                    result::toString);
            assertFalse(Files.exists(work.resolve("x")));
        }
    }

    @Test
    void aNameStoredOnlyForAnotherPlatformIsSaidSoNotPulled() throws Exception {
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
        ok("build", "--platform", "linux/arm64", "-t", "armbb", context.toString());
        Files.writeString(context.resolve("Dockerfile"), "FROM armbb\nCOPY hello.txt /b.txt\n");
        Cli.Result built = jreg("build", "--platform", "linux/amd64", "-t", "x", context.toString());
        assertEquals(3, built.exitCode(), built::toString);
        assertTrue(built.err().contains("jreg: the store has armbb only for linux/arm64, not linux/amd64; "),
                built::toString);
        assertFalse(built.err().contains("docker.io/library/armbb:latest"), built::toString);
    }
}
