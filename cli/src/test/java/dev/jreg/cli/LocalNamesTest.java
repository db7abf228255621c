package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.JregProcess;
import dev.jreg.testing.TestImages;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local images named as docker names them: by name, digest, image ID or a unique prefix of it; rm like docker rmi. */
class LocalNamesTest {
    private static final Platform AMD64 = Platform.of("linux", "amd64", null);

    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path scratch;

    private Cli.Result jreg(String... args) {
        return new Cli(home, store).run(args);
    }

    private Cli.Result ok(String... args) {
        return new Cli(home, store).ok(args);
    }

    /** Stores an image of one small layer; returns its image ID (the config digest). */
    private Digest image(String name, long seed) throws Exception {
        ManifestBlob manifest = TestImages.writeImage(OciLayout.open(store), Reference.parse(name), AMD64,
                List.of(TestImages.layer(seed, 1000)));
        return ((ImageManifest) manifest.manifest()).config().digest();
    }

    private boolean stored(String name) throws Exception {
        return LocalStore.open(store).lookup(Reference.parse(name)).isPresent();
    }

    @Test
    void rmOfEveryIdThatImagesQuietPrintsEmptiesTheStore() throws Exception {
        image("nginx:1.24.0", 1);
        image("localhost:5000/app:1", 2);
        LocalStore.open(store).setName(Reference.parse("localhost:5000/app:stable"),
                LocalStore.open(store).lookup(Reference.parse("localhost:5000/app:1")).orElseThrow());
        List<String> ids = ok("images", "-q").out().lines().toList();
        assertEquals(3, ids.size(), ids::toString);

        List<String> args = new ArrayList<>(List.of("rm"));
        args.addAll(ids);
        Cli.Result rm = ok(args.toArray(String[]::new));

        assertTrue(OciLayout.open(store).names().isEmpty(), rm::toString);
        assertTrue(rm.out().contains("Untagged: localhost:5000/app:stable\n"), rm::toString);
        assertEquals("", ok("images", "-q").out());
    }

    @Test
    void tagByShortIdAndByFullShaIdAndBareHex() throws Exception {
        Digest id = image("nginx:1.24.0", 3);
        assertEquals(id.shortHex() + "\n", ok("images", "-q").out());

        ok("tag", id.shortHex(), "foo:1");
        ok("tag", id.toString(), "foo:2");
        ok("tag", id.hex(), "foo:3");
        ok("tag", id.hex().substring(0, 5), "foo:4");

        for (String tag : List.of("foo:1", "foo:2", "foo:3", "foo:4")) {
            assertEquals(LocalStore.open(store).lookup(Reference.parse("nginx:1.24.0")).orElseThrow().digest(),
                    LocalStore.open(store).lookup(Reference.parse(tag)).orElseThrow().digest(), tag);
        }
    }

    @Test
    void inspectCopyAndPushTakeAnIdForTheImagesName() throws Exception {
        Digest id = image("nginx:1.24.0", 4);
        Cli.Result inspect = ok("inspect", "--local", "--format", "json", id.shortHex());
        assertTrue(inspect.out().contains("\"name\":\"local:docker.io/library/nginx:1.24.0\""), inspect::toString);

        Cli.Result copy = ok("copy", "-q", "local:sha256:" + id.hex().substring(0, 8), "oci:" + scratch + ":web");
        assertTrue(OciLayout.open(scratch).lookup("web").isPresent(), copy::toString);

        Cli.Result push = jreg("push", "--retries", "0", id.shortHex());
        assertTrue(push.err().contains("The push refers to repository [docker.io/library/nginx]"), push::toString);
    }

    @Test
    void pushOfAnIdNamedInSeveralRepositoriesIsRefusedAndListsTheNames() throws Exception {
        Digest id = image("localhost:5717/test/small:1", 30);
        ok("tag", "localhost:5717/test/small:1", "localhost:5717/test/small:2");
        ok("tag", "localhost:5717/test/small:1", "localhost:5718/other:1");
        ok("tag", "localhost:5717/test/small:1", "foo:1");
        String expected = "jreg: image %s is named in several repositories (localhost:5717/test/small:1, "
                + "localhost:5717/test/small:2, localhost:5718/other:1, foo:1); push it by name\n";
        for (String text : List.of(id.shortHex().substring(0, 4), id.toString())) {
            Cli.Result push = jreg("push", "--retries", "0", text);
            assertEquals(2, push.exitCode(), push::toString);
            assertEquals(String.format(expected, text), push.err());
            assertEquals("", push.out());
        }
    }

    @Test
    void pushOfAnIdNamedInOneRepositoryPushesThere() throws Exception {
        Digest id = image("localhost:1/one:1", 31);
        ok("tag", "localhost:1/one:1", "localhost:1/one:2");
        Cli.Result push = jreg("push", "--retries", "0", id.shortHex());
        assertTrue(push.err().startsWith("The push refers to repository [localhost:1/one]"), push::toString);
    }


    @Test
    void damageAndMissingBlobsNameTheImageWithItsTag() throws Exception {
        TestImages.Layer layer = TestImages.layer(50, 1000);
        TestImages.writeImage(OciLayout.open(store), Reference.parse("foo:1"), AMD64, List.of(layer));
        TestImages.flipByte(store, layer.descriptor().digest());
        Cli.Result copy = jreg("copy", "local:foo:1", "oci:" + scratch + ":x");
        assertEquals(6, copy.exitCode(), copy::toString);
        assertTrue(copy.err().lines().reduce((a, b) -> b).orElseThrow()
                .startsWith("jreg: blob " + layer.descriptor().digest() + " from local:foo:1 is damaged: "), copy::toString);

        ok("verify", "--repair");
        Cli.Result missing = jreg("copy", "local:foo:1", "oci:" + scratch + ":x");
        assertEquals(3, missing.exitCode(), missing::toString);
        assertTrue(missing.err().endsWith("\njreg: local:foo:1 is incomplete: blob " + layer.descriptor().digest()
                + " is missing from the local store; pull it again to fetch what is missing\n"), missing::toString);

        Digest id = image("localhost:5000/team/app:2", 51);
        TestImages.flipByte(store, id);
        Cli.Result inspect = jreg("inspect", "--local", "localhost:5000/team/app:2");
        assertEquals(6, inspect.exitCode(), inspect::toString);
        assertTrue(inspect.err().lines().reduce((a, b) -> b).orElseThrow()
                .startsWith("jreg: blob " + id + " from local:localhost:5000/team/app:2 is damaged: "), inspect::toString);
    }

    @Test
    void anAmbiguousPrefixIsAnErrorThatSaysSo() throws Exception {
        Map<Character, List<Digest>> byFirst = new HashMap<>();
        // 17 images: two IDs share their first hex digit, whatever the hashes are.
        for (int i = 0; i < 17; i++) {
            Digest id = image("localhost/many:" + i, 100 + i);
            byFirst.computeIfAbsent(id.hex().charAt(0), c -> new ArrayList<>()).add(id);
        }
        Map.Entry<Character, List<Digest>> shared = byFirst.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .findFirst().orElseThrow();
        String prefix = String.valueOf(shared.getKey());

        Cli.Result tag = jreg("tag", prefix, "foo:1");
        assertEquals(2, tag.exitCode(), tag::toString);
        assertTrue(tag.err().startsWith("jreg: image ID " + prefix + " is ambiguous: it begins "), tag.err());
        assertTrue(tag.err().contains(shared.getValue().get(0).shortHex()), tag.err());
        assertFalse(stored("foo:1"));

        Cli.Result rm = jreg("rm", "sha256:" + prefix);
        assertEquals(2, rm.exitCode(), rm::toString);
        assertEquals(17, OciLayout.open(store).names().size(), "nothing removed");
    }

    @Test
    void rmOfABareNameSaysItLookedForLatestAndNamesTheStoredTags() throws Exception {
        image("nginx:1.24.0", 5);
        Cli.Result rm = jreg("rm", "nginx");
        assertEquals(3, rm.exitCode(), rm::toString);
        assertEquals("jreg: no such image in the local store: nginx:latest (stored: nginx:1.24.0)\n", rm.err());

        image("nginx:1.25", 6);
        for (String[] command : List.of(new String[] {"tag", "nginx", "web:1"}, new String[] {"inspect", "--local", "nginx"},
                new String[] {"push", "nginx"}, new String[] {"copy", "local:nginx", "oci:" + scratch + ":x"})) {
            Cli.Result result = jreg(command);
            assertEquals(3, result.exitCode(), result::toString);
            assertEquals("jreg: no such image in the local store: nginx:latest (stored: nginx:1.24.0, nginx:1.25)\n",
                    result.err(), String.join(" ", command));
        }
    }

    @Test
    void rmRemovesWhatExistsReportsEachFailureAndExitsOne() throws Exception {
        image("a:1", 7);
        image("c:1", 8);
        Cli.Result rm = jreg("rm", "a:1", "b:1", "c:1", "d");
        assertEquals(1, rm.exitCode(), rm::toString);
        assertTrue(rm.out().startsWith("Untagged: a:1\nUntagged: c:1\nDeleted: sha256:"), rm::toString);
        assertEquals("jreg: no such image in the local store: b:1\njreg: no such image in the local store: d:latest\n",
                rm.err());
        assertFalse(stored("a:1"));
        assertFalse(stored("c:1"));
    }

    @Test
    void rmNamesTheTagsStoredAfterItsRemovals() throws Exception {
        for (int i = 1; i <= 5; i++) {
            image("foo:" + i, 40 + i);
        }
        Cli.Result rm = jreg("rm", "foo:1", "nosuch:1", "foo:9", "foo:2");
        assertEquals(1, rm.exitCode(), rm::toString);
        assertTrue(rm.out().startsWith("Untagged: foo:1\nUntagged: foo:2\n"), rm::toString);
        assertEquals("jreg: no such image in the local store: nosuch:1\n"
                + "jreg: no such image in the local store: foo:9 (stored: foo:3, foo:4, foo:5)\n", rm.err());

        Cli.Result bare = jreg("rm", "foo:3", "foo", "foo:4", "foo:5");
        assertEquals(1, bare.exitCode(), bare::toString);
        assertEquals("jreg: no such image in the local store: foo:latest\n", bare.err(), "no tags of foo are left");
    }

    @Test
    void rmOfAnIdInSeveralRepositoriesNeedsForce() throws Exception {
        Digest id = image("a:1", 9);
        ok("tag", "a:1", "b:1");
        Cli.Result refused = jreg("rm", id.shortHex());
        assertEquals(1, refused.exitCode(), refused::toString);
        assertEquals("jreg: image " + id.shortHex() + " is named in several repositories (a, b); remove it by name,"
                + " or with -f every name\n", refused.err());
        assertTrue(stored("a:1") && stored("b:1"));

        Cli.Result forced = ok("rm", "-f", id.shortHex());
        assertTrue(forced.out().startsWith("Untagged: a:1\nUntagged: b:1\n"), forced::toString);
    }

    @Test
    void rmDoesNotWaitForARunningPullAndPruneSaysWhatItWaitsFor() throws Exception {
        image("a:1", 10);
        image("b:1", 11);
        Process holder = holdActivityLock();
        try {
            Cli.Result rm = ok("rm", "a:1");
            assertEquals("Untagged: a:1\n", rm.out());
            assertEquals("A pull or copy into the local store is running; the removed images' blobs stay until"
                    + " 'jreg prune'\n", rm.err());
            assertFalse(stored("a:1"));

            Path log = scratch.resolve("prune.log");
            Process prune = JregProcess.start(Map.of("JREG_HOME", store.toString(), "HOME", home.toString()), log, "prune");
            try {
                awaitLine(log, "Waiting for a pull or copy into the local store (another jreg process) to finish");
                assertTrue(prune.isAlive(), "prune waits while the copy runs");
            } finally {
                holder.destroy();
            }
            assertEquals(0, prune.waitFor(), () -> read(log));
            assertTrue(read(log).contains("Deleted: sha256:"), () -> read(log));
        } finally {
            holder.destroy();
            holder.waitFor();
        }
    }

    /** Another process holding the shared lock a running pull holds. */
    private Process holdActivityLock() throws Exception {
        Path source = scratch.resolve("Hold.java");
        Files.writeString(source, """
                import java.nio.channels.FileChannel;
                import java.nio.file.Path;
                import java.nio.file.StandardOpenOption;
                public class Hold {
                    public static void main(String[] args) throws Exception {
                        FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                                StandardOpenOption.READ, StandardOpenOption.WRITE);
                        channel.lock(0, Long.MAX_VALUE, true);
                        System.out.println("held");
                        System.in.read();
                    }
                }
                """);
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                source.toString(), store.resolve(".jreg.activity").toString()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("held", out.readLine());
        return process;
    }

    private static void awaitLine(Path log, String line) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!read(log).contains(line)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no \"" + line + "\" in: " + read(log));
            }
            Thread.onSpinWait();
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
