package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layer.LayerEntry;
import dev.jreg.internal.layer.LayerReader;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.TarBuilder;
import dev.jreg.testing.TestImages;
import dev.jreg.testing.TestJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jreg build} without a registry, on a base image the test stores ({@code base:1}: users in
 * {@code /etc/passwd} and {@code /etc/group}, a {@code /usr/local/bin}): the beginner's
 * Dockerfile builds and unpacks with its config and history; the cache (nothing changed: no blob
 * and every step cached; one file changed: that step on; a file touched: nothing; {@code --no-cache};
 * {@code prune --cache}); multi-stage; {@code .dockerignore}; {@code ADD} of an archive and of a
 * URL with its checksum; {@code --chown} and {@code --chmod}; reproducible digests; bad
 * Dockerfiles, missing sources and {@code RUN} leaving nothing written; {@code --iidfile}, {@code -f -}
 * and a Dockerfile alone on stdin; {@code ONBUILD}.
 */
class BuildTest {
    static final String EPOCH = "1700000000";
    private static final Pattern STEP = Pattern.compile("#(\\d+) (\\[[^\\]]+\\]) (.*)");

    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path work;

    Cli cli() {
        return new Cli(home, store);
    }

    Cli.Result ok(String... args) {
        return cli().ok(args);
    }

    @BeforeEach
    void storeBase() throws IOException {
        storeBase(store, Map.of());
    }

    /** Stores {@code base:1} in the store at {@code store}, its config holding {@code extra} besides the usual. */
    static void storeBase(Path store, Map<String, Object> extraConfig) throws IOException {
        storeBase(store, "base:1", new TarBuilder().dir("bin").file("bin/sh", "#!not a shell", 0755).dir("etc")
                .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n")
                .file("etc/group", "root:x:0:\napp:x:1000:\nstaff:x:50:app\n").dir("usr").dir("usr/local")
                .dir("usr/local/bin").dir("srv").symlink("opt", "srv").tar(), extraConfig);
    }

    /** Stores an image of one layer, {@code layer} (a tar), under {@code name}, for this machine's platform. */
    static void storeBase(Path store, String name, byte[] layer, Map<String, Object> extraConfig) throws IOException {
        Platform host = Platform.host();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", TestImages.CREATED);
        config.put("architecture", host.architecture());
        config.put("os", host.os());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("Env", List.of("PATH=/usr/local/bin:/usr/bin:/bin"));
        settings.put("Cmd", List.of("/bin/sh"));
        settings.putAll(extraConfig);
        config.put("config", settings);
        TestImages.Layer base = TestImages.gzipLayer(layer);
        config.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(base.diffId().toString())));
        config.put("history", List.of(Map.of("created", TestImages.CREATED, "created_by", "base layer")));
        OciLayout layout = OciLayout.open(store);
        layout.setName(Reference.parse(name).toString(),
                TestImages.storeImage(layout, config, List.of(base)).descriptor());
    }

    /** A context directory with these files (relative path to content). */
    Path context(String name, Map<String, String> files) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = dir.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        return dir;
    }

    static final String BEGINNER = "FROM base:1\nWORKDIR /app\nCOPY . /app/\nCMD [\"python\", \"app.py\"]\n";

    long blobs() throws IOException {
        Path dir = store.resolve("blobs/sha256");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    /** Each step the plain progress showed, {@code [2/3] COPY . /app/ CACHED} or {@code … DONE}. */
    static List<String> steps(String err) {
        Map<String, String> steps = new LinkedHashMap<>();
        for (String line : err.lines().toList()) {
            Matcher step = STEP.matcher(line);
            if (step.matches()) {
                steps.put(step.group(1), step.group(2) + " " + step.group(3));
            } else if (line.matches("#\\d+ (CACHED|DONE \\d+\\.\\ds)")) {
                String id = line.substring(1, line.indexOf(' '));
                steps.put(id, steps.get(id) + " " + (line.endsWith("CACHED") ? "CACHED" : "DONE"));
            }
        }
        return new ArrayList<>(steps.values());
    }

    ImageManifest manifest(String name) throws IOException {
        LocalStore local = LocalStore.open(store);
        Descriptor named = local.lookup(Reference.parse(name)).orElseThrow(() -> new AssertionError("no " + name));
        return (ImageManifest) local.readManifest(named).manifest();
    }

    JsonNode config(String name) throws IOException {
        return Json.parse(ok("config", "local:" + name).bytes());
    }

    /** A layer's entries as {@code PATH TYPE MODE UID:GID}, a directory's path ending with {@code /}. */
    List<String> entries(Descriptor layer) throws IOException {
        List<String> entries = new ArrayList<>();
        try (InputStream blob = Files.newInputStream(LocalStore.open(store).blobPath(layer.digest()));
                LayerReader reader = LayerReader.open(blob)) {
            for (LayerEntry e = reader.next(); e != null; e = reader.next()) {
                entries.add(e.path() + (e.type() == LayerEntry.Type.DIRECTORY ? "/" : " " + e.type()) + " "
                        + Integer.toOctalString(e.mode()) + " " + e.uid() + ":" + e.gid());
            }
        }
        return entries;
    }

    Path unpack(String name) {
        Path dir = work.resolve("unpacked-" + name.replace(':', '-'));
        ok("unpack", name, dir.toString());
        return dir;
    }

    @Test
    void theBeginnersDockerfileBuildsWithItsConfigAndHistoryAndUnpacks() throws Exception {
        Path app = context("app", Map.of("app.py", "print('hello')\n", "Dockerfile", "FROM base:1\nWORKDIR /app\n"
                + "ENV MODE=prod GREETING=\"hello world\"\nEXPOSE 8080 53/udp\nLABEL org.example.team=web\n"
                + "COPY . /app/\nCMD [\"python\", \"app.py\"]\n"));
        Cli.Result built = ok("build", "-t", "myapp", app.toString());
        ImageManifest image = manifest("myapp:latest");
        assertEquals(image.config().digest() + "\n", built.out(), "the image ID alone on stdout");
        assertEquals(List.of("[1/3] FROM docker.io/library/base:1 CACHED", "[2/3] WORKDIR /app DONE",
                "[3/3] COPY . /app/ DONE"), steps(built.err()));
        assertTrue(built.err().contains("writing image " + image.config().digest() + " done\n")
                && built.err().contains("naming to docker.io/library/myapp:latest done\n"), built.err());
        assertTrue(built.err().lines().filter(line -> !line.contains("writing image"))
                .allMatch(line -> line.length() <= 80), built.err());
        assertEquals(3, image.layers().size(), "the base's layer, WORKDIR's and COPY's");
        assertEquals(List.of("app/ 755 0:0"), entries(image.layers().get(1)));

        JsonNode config = config("myapp");
        JsonNode settings = config.path("config");
        assertEquals("[\"python\",\"app.py\"]", settings.path("Cmd").toString());
        assertEquals("/app", settings.path("WorkingDir").asText());
        assertEquals("[\"PATH=/usr/local/bin:/usr/bin:/bin\",\"MODE=prod\",\"GREETING=hello world\"]",
                settings.path("Env").toString());
        assertEquals("{\"53/udp\":{},\"8080/tcp\":{}}", sorted(settings.path("ExposedPorts")));
        assertEquals("{\"org.example.team\":\"web\"}", settings.path("Labels").toString());
        List<String> history = new ArrayList<>();
        config.path("history").forEach(h -> history.add(h.path("created_by").asText()
                + (h.path("empty_layer").asBoolean() ? " (empty)" : "")));
        assertEquals(List.of("base layer", "WORKDIR /app", "ENV MODE=prod GREETING=hello world (empty)",
                "EXPOSE [8080/tcp 53/udp] (empty)", "LABEL org.example.team=web (empty)", "COPY . /app/ # buildkit",
                "CMD [\"python\" \"app.py\"] (empty)"), history);
        assertEquals(TestImages.CREATED, config.path("history").path(0).path("created").asText(), "the base's time kept");
        assertEquals(config.path("created").asText(), config.path("history").path(6).path("created").asText());

        Path unpacked = unpack("myapp");
        assertEquals("print('hello')\n", Files.readString(unpacked.resolve("app/app.py")));
        assertTrue(Files.isRegularFile(unpacked.resolve("app/Dockerfile")), "the context, Dockerfile included");
        assertTrue(Files.isRegularFile(unpacked.resolve("etc/passwd")), "the base's files");
        String inspect = ok("inspect", "--local", "myapp").out();
        assertTrue(inspect.contains("python") && inspect.contains("MODE=prod"), inspect);
    }

    /** A JSON object's fields, sorted by name. */
    static String sorted(JsonNode object) throws IOException {
        Map<String, JsonNode> fields = new java.util.TreeMap<>();
        object.fields().forEachRemaining(field -> fields.put(field.getKey(), field.getValue()));
        return TestJson.write(fields);
    }

    @Test
    void aRebuildWithNothingChangedWritesNoBlobAndEveryStepIsCached() throws Exception {
        Path app = context("app", Map.of("app.py", "print('hello')\n", "Dockerfile", BEGINNER));
        String first = ok("build", "-t", "myapp", app.toString()).out();
        long blobs = blobs();
        Cli.Result again = ok("build", "-t", "myapp", app.toString());
        assertEquals(first, again.out(), "the same image");
        assertEquals(blobs, blobs(), "no blob written");
        assertEquals(List.of("[1/3] FROM docker.io/library/base:1 CACHED", "[2/3] WORKDIR /app CACHED",
                "[3/3] COPY . /app/ CACHED"), steps(again.err()));

        // A file touched, its bytes the same: still nothing to build.
        Files.setLastModifiedTime(app.resolve("app.py"), FileTime.from(Instant.now().plusSeconds(60)));
        Cli.Result touched = ok("build", "-t", "myapp", app.toString());
        assertEquals(first, touched.out());
        assertTrue(steps(touched.err()).stream().allMatch(step -> step.endsWith("CACHED")), touched.err());
        assertEquals(blobs, blobs());
    }

    @Test
    void changingOneFileRebuildsTheStepThatCopiesItAndThoseAfter() throws Exception {
        Path app = context("app", Map.of("requirements.txt", "flask\n", "app.py", "print('hello')\n", "Dockerfile",
                "FROM base:1\nWORKDIR /app\nCOPY requirements.txt .\nCOPY . .\nCOPY --chmod=644 app.py /srv/\n"
                        + "CMD [\"python\", \"app.py\"]\n"));
        String first = ok("build", "-t", "myapp", app.toString()).out();
        long blobs = blobs();
        Files.writeString(app.resolve("app.py"), "print('changed')\n");
        Cli.Result changed = ok("build", "-t", "myapp", app.toString());
        assertNotEquals(first, changed.out());
        assertEquals(List.of("[1/5] FROM docker.io/library/base:1 CACHED", "[2/5] WORKDIR /app CACHED",
                "[3/5] COPY requirements.txt . CACHED", "[4/5] COPY . . DONE", "[5/5] COPY --chmod=644 app.py /srv/ DONE"),
                steps(changed.err()));
        assertEquals(blobs + 4, blobs(), "two layers, a config and a manifest");
        assertEquals("print('changed')\n", Files.readString(unpack("myapp").resolve("srv/app.py")));

        Cli.Result noCache = ok("build", "--no-cache", "-t", "myapp", app.toString());
        assertEquals(List.of("[1/5] FROM docker.io/library/base:1 CACHED", "[2/5] WORKDIR /app DONE",
                "[3/5] COPY requirements.txt . DONE", "[4/5] COPY . . DONE", "[5/5] COPY --chmod=644 app.py /srv/ DONE"),
                steps(noCache.err()));

        Cli.Result pruned = ok("prune", "--cache");
        assertTrue(pruned.out().matches("(?s).*Deleted [1-9][0-9]* build cache entries\n.*"), pruned.out());
        assertTrue(steps(ok("build", "-t", "myapp", app.toString()).err()).stream().skip(1)
                .allMatch(step -> step.endsWith("DONE")), "nothing cached after prune --cache");
    }

    @Test
    void aTwoStageBuildCopiesAnArtefactFromTheFirstAndSkipsAStageItDoesNotNeed() throws Exception {
        Path app = context("app", Map.of("src/main.txt", "source\n", "src/lib/util.txt", "util\n", "Dockerfile",
                "FROM base:1 AS builder\nWORKDIR /build\nCOPY src/ ./\nCOPY --chown=app:staff src/main.txt out/main.bin\n"
                        + "\nFROM nosuch.invalid/never:1 AS unused\nCOPY missing /\n"
                        + "\nFROM scratch\nCOPY --from=builder /build/out/main.bin /bin/app\n"
                        + "COPY --from=0 /build/lib /lib/\nENTRYPOINT [\"/bin/app\"]\n"));
        Cli.Result built = ok("build", "-t", "artefact:1", app.toString());
        assertEquals(List.of("[builder 1/4] FROM docker.io/library/base:1 CACHED", "[builder 2/4] WORKDIR /build DONE",
                "[builder 3/4] COPY src/ ./ DONE", "[builder 4/4] COPY --chown=app:staff src/main.txt out/main.bin DONE",
                "[stage-2 1/2] COPY --from=builder /build/out/main.bin /bin/app DONE",
                "[stage-2 2/2] COPY --from=0 /build/lib /lib/ DONE"), steps(built.err()));
        ImageManifest image = manifest("artefact:1");
        assertEquals(2, image.layers().size(), "the two COPY layers, on nothing");
        assertEquals(List.of("bin/ 755 0:0", "bin/app FILE 644 1000:50"), entries(image.layers().get(0)));
        Path unpacked = unpack("artefact:1");
        assertEquals("source\n", Files.readString(unpacked.resolve("bin/app")));
        assertEquals("util\n", Files.readString(unpacked.resolve("lib/util.txt")));
        assertFalse(Files.exists(unpacked.resolve("build")), "nothing else of the first stage");
        assertEquals("[\"/bin/app\"]", config("artefact:1").path("config").path("Entrypoint").toString());

        Cli.Result target = ok("build", "--target", "builder", "-t", "builder:1", app.toString());
        assertEquals(4, steps(target.err()).size(), "only the target stage");
        assertTrue(Files.isRegularFile(unpack("builder:1").resolve("build/out/main.bin")));
    }

    @Test
    void copyFollowsDockersRulesForWildcardsDestinationsLinksAndFlags() throws Exception {
        Path app = context("app", Map.of("a.txt", "a\n", "b.txt", "b\n", "c.md", "c\n", "dir/x.txt", "x\n",
                "dir/sub/y.txt", "y\n", "Dockerfile", "FROM base:1\nCOPY *.txt /wild/\nCOPY a.txt /srv\n"
                        + "COPY a.txt /file\nCOPY --parents dir/sub/y.txt /p/\nCOPY --exclude=*.txt dir /ex/\n"
                        + "COPY --link a.txt /usr/local/bin/linked\nCOPY dir/ /d\nCOPY [\"c.md\", \"a.txt\", \"/json/\"]\n"
                        + "WORKDIR /srv\nCOPY ../../b.txt ../up/\n"));
        Files.createSymbolicLink(app.resolve("link.txt"), Path.of("a.txt"));
        ok("build", "-t", "copied", app.toString());
        Path unpacked = unpack("copied");
        assertEquals(List.of("a.txt", "b.txt", "link.txt"), names(unpacked.resolve("wild")));
        assertEquals("a\n", Files.readString(unpacked.resolve("wild/link.txt")), "a source's link followed");
        assertFalse(Files.isSymbolicLink(unpacked.resolve("wild/link.txt")));
        assertEquals("a\n", Files.readString(unpacked.resolve("srv/a.txt")), "into a directory the stage has");
        assertEquals("a\n", Files.readString(unpacked.resolve("file")), "at a destination the stage lacks");
        assertEquals("y\n", Files.readString(unpacked.resolve("p/dir/sub/y.txt")), "--parents keeps the path");
        assertEquals(List.of("sub"), names(unpacked.resolve("ex")), "--exclude=*.txt: what is right in dir");
        assertEquals(List.of("y.txt"), names(unpacked.resolve("ex/sub")), "--exclude's * stays in its directory");
        assertEquals(List.of("sub", "x.txt"), names(unpacked.resolve("d")), "a directory's contents, not itself");
        assertEquals(List.of("a.txt", "c.md"), names(unpacked.resolve("json")));
        assertEquals("b\n", Files.readString(unpacked.resolve("up/b.txt")), "a source's .. stops at the context's root");
        assertEquals(List.of("usr/ 755 0:0", "usr/local/ 755 0:0", "usr/local/bin/ 755 0:0",
                "usr/local/bin/linked FILE 644 0:0"), entries(manifest("copied:latest").layers().get(6)),
                "--link copies onto nothing: every directory on the way");

        Files.writeString(app.resolve("Dockerfile"), "FROM base:1\nCOPY a.txt b.txt /nodir\n");
        Cli.Result several = cli().run("build", app.toString());
        assertEquals(8, several.exitCode(), several::toString);
        assertTrue(several.err().endsWith("jreg: Dockerfile:2: when using COPY with more than one source file, the"
                + " destination must be a directory and end with a /\n"), several.err());
    }

    static List<String> names(Path directory) throws IOException {
        try (Stream<Path> children = Files.list(directory)) {
            return children.map(child -> child.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void dockerignoreLeavesFilesOutAndItsExceptionsBringThemBack() throws Exception {
        Path app = context("app", Map.of("app.py", "app\n", "debug.log", "noise\n", "keep.log", "kept\n",
                "secret/key", "hush\n", "docs/a.md", "a\n", "docs/b.txt", "b\n", ".dockerignore",
                "# logs and secrets\n*.log\n!keep.log\nsecret\ndocs/**\n!docs/*.md\n", "Dockerfile", BEGINNER));
        ok("build", "-t", "ignoring", app.toString());
        Path unpacked = unpack("ignoring");
        assertTrue(Files.exists(unpacked.resolve("app/app.py")));
        assertFalse(Files.exists(unpacked.resolve("app/debug.log")), "excluded");
        assertEquals("kept\n", Files.readString(unpacked.resolve("app/keep.log")), "brought back by !keep.log");
        assertFalse(Files.exists(unpacked.resolve("app/secret")), "an excluded directory");
        assertTrue(Files.exists(unpacked.resolve("app/docs/a.md")), "brought back from an excluded directory");
        assertFalse(Files.exists(unpacked.resolve("app/docs/b.txt")));

        // A Dockerfile's own NAME.dockerignore wins over the context's.
        Files.writeString(app.resolve("Other.Dockerfile"), BEGINNER);
        Files.writeString(app.resolve("Other.Dockerfile.dockerignore"), "app.py\n");
        ok("build", "-t", "other", "-f", app.resolve("Other.Dockerfile").toString(), app.toString());
        Path other = unpack("other");
        assertFalse(Files.exists(other.resolve("app/app.py")));
        assertTrue(Files.exists(other.resolve("app/debug.log")));
    }

    @Test
    void addExtractsALocalArchiveAndCopyDoesNot() throws Exception {
        Path app = context("app", Map.of("Dockerfile", "FROM base:1\nADD tools.tar.gz /opt/tools/\n"
                + "COPY tools.tar.gz /archives/\nADD --unpack=false tools.tar.gz /kept/\nADD notes.txt /notes/\n"));
        Files.write(app.resolve("tools.tar.gz"), new TarBuilder().dir("bin").file("bin/tool", "#!tool", 0755)
                .symlink("bin/t", "tool").gzip());
        Files.writeString(app.resolve("notes.txt"), "not an archive\n");
        ok("build", "-t", "tools", app.toString());
        Path unpacked = unpack("tools");
        // /opt is a link to /srv in the base: the layer's path goes through it.
        assertEquals("#!tool", Files.readString(unpacked.resolve("srv/tools/bin/tool")));
        assertEquals("tool", Files.readSymbolicLink(unpacked.resolve("srv/tools/bin/t")).toString());
        assertTrue(Files.isRegularFile(unpacked.resolve("archives/tools.tar.gz")), "COPY copies an archive as it is");
        assertTrue(Files.isRegularFile(unpacked.resolve("kept/tools.tar.gz")));
        assertEquals("not an archive\n", Files.readString(unpacked.resolve("notes/notes.txt")));
    }

    @Test
    void addFetchesAUrlAndChecksItsChecksum() throws Exception {
        byte[] file = "downloaded bytes\n".getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/files/tool.sh", exchange -> {
            exchange.getResponseHeaders().add("Last-Modified", "Tue, 02 Jan 2024 03:04:05 GMT");
            exchange.sendResponseHeaders(200, file.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(file);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/files/tool.sh";
            String right = Digest.sha256(file).toString();
            Path app = context("app", Map.of("Dockerfile", "FROM base:1\nADD --checksum=" + right + " " + url
                    + " /usr/local/bin/\nADD " + url + " /renamed\n"));
            ok("build", "-t", "fetched", app.toString());
            ImageManifest image = manifest("fetched:latest");
            assertEquals(List.of("usr/local/bin/tool.sh FILE 600 0:0"), entries(image.layers().get(1)),
                    "no parent's entry: the base has them");
            assertEquals(List.of("renamed FILE 600 0:0"), entries(image.layers().get(2)));
            Path unpacked = unpack("fetched");
            assertEquals("downloaded bytes\n", Files.readString(unpacked.resolve("usr/local/bin/tool.sh")));

            long blobs = blobs();
            String wrong = Digest.sha256(new byte[1]).toString();
            Files.writeString(app.resolve("Dockerfile"), "FROM base:1\nADD --checksum=" + wrong + " " + url + " /x\n");
            Cli.Result refused = cli().run("build", "-t", "wrong", app.toString());
            assertEquals(6, refused.exitCode(), refused::toString);
            assertEquals("jreg: Dockerfile:2: " + url + " has digest " + right + ", not the --checksum " + wrong + "\n",
                    refused.err().substring(refused.err().indexOf("jreg: ")));
            assertEquals(blobs, blobs(), "nothing written");
            assertFalse(LocalStore.open(store).lookup(Reference.parse("wrong")).isPresent());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void chownAndChmodGiveTheLayersOwnersAndModes() throws Exception {
        Path app = context("app", Map.of("run.sh", "#!/bin/sh\n", "conf/app.conf", "x=1\n", "Dockerfile",
                "FROM base:1\nCOPY --chown=app:staff --chmod=750 run.sh /usr/local/bin/\n"
                        + "COPY --chown=1234 conf /etc/app/\nUSER app\nWORKDIR /home/app/work\n"
                        + "COPY --chown=app <<EOF /home/app/greeting\nhello $HOME\nEOF\n"));
        ok("build", "-t", "owned", app.toString());
        ImageManifest image = manifest("owned:latest");
        assertEquals(List.of("usr/local/bin/run.sh FILE 750 1000:50"), entries(image.layers().get(1)));
        assertEquals(List.of("etc/app/ 755 1234:1234", "etc/app/app.conf FILE 644 1234:1234"),
                entries(image.layers().get(2)));
        assertEquals(List.of("home/ 755 1000:1000", "home/app/ 755 1000:1000", "home/app/work/ 755 1000:1000"),
                entries(image.layers().get(3)), "WORKDIR makes what is missing, the USER's");
        assertEquals(List.of("home/app/greeting FILE 644 1000:1000"), entries(image.layers().get(4)));
        assertEquals("hello \n", Files.readString(unpack("owned").resolve("home/app/greeting")));

        Files.writeString(app.resolve("Dockerfile"), "FROM base:1\nCOPY --chown=nobody run.sh /\n");
        Cli.Result unknown = cli().run("build", app.toString());
        assertEquals(8, unknown.exitCode(), unknown::toString);
        assertTrue(unknown.err().endsWith("jreg: Dockerfile:2: unable to find user nobody: no matching entries in"
                + " /etc/passwd\n"), unknown.err());
    }

    @Test
    void withSourceDateEpochTwoCopiesOfTheContextGiveTheSameImage() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int copy = 0; copy < 2; copy++) {
            Path app = context("copy-" + copy, Map.of("app.py", "print('hello')\n", "lib/util.py", "x = 1\n",
                    "Dockerfile", BEGINNER));
            try (Stream<Path> paths = Files.walk(app)) {
                for (Path path : paths.toList()) {
                    Files.setLastModifiedTime(path, FileTime.from(Instant.now().minusSeconds(copy * 3600L)));
                }
            }
            Path otherStore = work.resolve("store-" + copy);
            storeBase(otherStore, Map.of());
            ids.add(new Cli(home, otherStore).env("SOURCE_DATE_EPOCH", EPOCH).ok("build", "-q", "-t", "repro",
                    app.toString()).out());
        }
        assertEquals(ids.get(0), ids.get(1));
    }

    @Test
    void aMalformedDockerfileNamesItsLineAndWritesNothing() throws Exception {
        Path app = context("app", Map.of("Dockerfile", "FROM base:1\nWORKDIR /app\nCOPY\n"));
        Cli.Result bad = cli().run("build", "-t", "bad", app.toString());
        assertEquals(8, bad.exitCode(), bad::toString);
        assertEquals("jreg: Dockerfile:3: COPY requires at least two arguments: SOURCE... DESTINATION\n", bad.err());
        assertEquals("", bad.out());
        assertEquals(3, blobs(), "the base's manifest, config and layer, nothing more");

        Files.writeString(app.resolve("Dockerfile"), "FROM base:1\nWORKDIR /app\nCOPY missing.txt .\n");
        Cli.Result missing = cli().run("build", "-t", "bad", app.toString());
        assertEquals(8, missing.exitCode(), missing::toString);
        assertTrue(missing.err().endsWith("jreg: Dockerfile:3: \"/missing.txt\": not found in the build context\n"),
                missing.err());
        assertFalse(LocalStore.open(store).lookup(Reference.parse("bad")).isPresent(), "no name");

        Files.writeString(app.resolve("Dockerfile"), "FROM base:1\nCOPY . /\nRUN --mount=type=cache,target=/c echo hi\n");
        Cli.Result run = cli().run("build", "-t", "bad", app.toString());
        assertEquals(8, run.exitCode(), run::toString);
        assertEquals("jreg: Dockerfile:3: RUN --mount is not supported\n", run.err(), "before any step");
        assertEquals(4, blobs(), "the base, and WORKDIR's layer of the build before");
    }

    @Test
    void iidfileDockerfileFromStdinAndADockerfileWithoutContext() throws Exception {
        Path app = context("app", Map.of("app.py", "print('hello')\n"));
        Path iid = work.resolve("iid");
        Files.writeString(iid, "stale");
        Cli.Result built = cli().stdin(BEGINNER).ok("build", "-q", "--iidfile", iid.toString(), "-f", "-", "-t",
                "stdin", app.toString());
        assertEquals(built.out().strip(), Files.readString(iid), "the image ID, as docker writes it");
        assertEquals("", built.err(), "-q: no progress");
        assertTrue(Files.exists(unpack("stdin").resolve("app/app.py")));

        Cli.Result alone = cli().stdin("FROM base:1\nENV ONLY=config\n").ok("build", "-t", "alone", "-");
        assertTrue(config("alone").path("config").path("Env").toString().contains("ONLY=config"), alone.toString());
        Cli.Result noContext = cli().stdin("FROM base:1\nCOPY app.py /\n").run("build", "-");
        assertEquals(8, noContext.exitCode(), noContext::toString);
        assertTrue(noContext.err().endsWith("jreg: Dockerfile:2: COPY needs a build context for app.py, and the"
                + " Dockerfile came without one\n"), noContext.err());

        Files.writeString(iid, "stale");
        Cli.Result failed = cli().stdin("FROM base:1\nFROM\n").run("build", "--iidfile", iid.toString(), "-");
        assertEquals(8, failed.exitCode(), failed::toString);
        assertFalse(Files.exists(iid), "no stale ID left when the build fails");

        long blobs = blobs();
        Path nowhere = work.resolve("no-such-dir/iid");
        Cli.Result refused = cli().run("build", "--iidfile", nowhere.toString(), "-t", "never", app.toString());
        assertEquals(2, refused.exitCode(), refused::toString);
        assertEquals("jreg: --iidfile " + nowhere + ": no such directory " + nowhere.getParent() + "\n", refused.err());
        assertEquals(blobs, blobs(), "refused before any work");
    }

    @Test
    void buildArgumentsAndThePlatformReachTheStage() throws Exception {
        Path app = context("app", Map.of("Dockerfile", "ARG BASE=scratch\nFROM $BASE\nARG TARGETARCH\n"
                + "ARG TARGETPLATFORM\nARG GREETING\nENV ARCH=$TARGETARCH PLATFORM=$TARGETPLATFORM HELLO=$GREETING\n"
                + "COPY <<EOF /arch\n$TARGETARCH\nEOF\n"));
        Cli.Result built = cli().env("GREETING", "from the environment").ok("build", "--platform", "linux/arm64",
                "--build-arg", "GREETING", "--build-arg", "UNUSED=1", "-t", "arm", app.toString());
        assertTrue(built.err().contains("[Warning] One or more build-args [UNUSED] were not consumed\n"), built.err());
        JsonNode config = config("arm");
        assertEquals("arm64", config.path("architecture").asText(), "--platform sets the image's");
        assertEquals("linux", config.path("os").asText());
        assertEquals("[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"ARCH=arm64\","
                + "\"PLATFORM=linux/arm64\",\"HELLO=from the environment\"]", config.path("config").path("Env").toString(),
                "BuildKit's PATH on scratch, then the arguments");
        assertEquals("arm64\n", Files.readString(unpack("arm").resolve("arch")));
        assertEquals(List.of("ARG TARGETARCH=arm64", "ARG TARGETPLATFORM=linux/arm64",
                "ARG GREETING=from the environment"), List.of(config.path("history").path(0).path("created_by").asText(),
                config.path("history").path(1).path("created_by").asText(),
                config.path("history").path(2).path("created_by").asText()));
    }

    @Test
    void aBaseImagesOnbuildTriggersRunAfterFromAndAreNotKept() throws Exception {
        storeBase(store, Map.of("OnBuild", List.of("COPY . /onbuild/", "ENV TRIGGERED=yes")));
        Path app = context("app", Map.of("app.py", "app\n", "Dockerfile",
                "FROM base:1\nONBUILD COPY app.py /next/\nCOPY app.py /own/\n"));
        Cli.Result built = ok("build", "-t", "triggered", app.toString());
        assertEquals(List.of("[1/3] FROM docker.io/library/base:1 CACHED", "[2/3] ONBUILD COPY . /onbuild/ DONE",
                "[3/3] COPY app.py /own/ DONE"), steps(built.err()));
        Path unpacked = unpack("triggered");
        assertTrue(Files.exists(unpacked.resolve("onbuild/app.py")));
        JsonNode settings = config("triggered").path("config");
        assertTrue(settings.path("Env").toString().contains("TRIGGERED=yes"), settings.toString());
        assertEquals("[\"COPY app.py /next/\"]", settings.path("OnBuild").toString(), "its own trigger, not the base's");
    }

    @Test
    void buildkitProgressInTheEnvironmentChoosesTheProgressAndTheFlagWins() throws Exception {
        Path app = context("app", Map.of("Dockerfile", "FROM base:1\nWORKDIR /app\n"));
        Cli.Result json = cli().env("BUILDKIT_PROGRESS", "json").ok("build", app.toString());
        assertTrue(json.err().lines().allMatch(line -> line.startsWith("{")), json::toString);
        Cli.Result plain = cli().env("BUILDKIT_PROGRESS", "json").ok("build", "--progress", "plain", app.toString());
        assertEquals(List.of("[1/2] FROM docker.io/library/base:1 CACHED", "[2/2] WORKDIR /app CACHED"),
                steps(plain.err()), plain::toString);
        Cli.Result chosenOnATerminal = cli().env("BUILDKIT_PROGRESS", "plain").stderrTerminal().ok("build",
                app.toString());
        assertEquals(List.of("[1/2] FROM docker.io/library/base:1 CACHED", "[2/2] WORKDIR /app CACHED"),
                steps(chosenOnATerminal.err()), "plain even on a terminal: " + chosenOnATerminal);
        Cli.Result bad = cli().env("BUILDKIT_PROGRESS", "fancy").run("build", app.toString());
        assertEquals(2, bad.exitCode(), bad::toString);
        assertEquals("jreg: BUILDKIT_PROGRESS must be auto, plain or json, not \"fancy\"\n", bad.err());
    }

    @Test
    void bytesThatAreNotUtf8InADockerfilesCommentAreHarmlessAsDockerReadsThem() throws Exception {
        Path app = context("app", Map.of());
        byte[] comment = {'#', ' ', (byte) 0xff, (byte) 0xfe, '\n'};
        Files.write(app.resolve("Dockerfile"), ("FROM base:1\n" + new String(comment, StandardCharsets.ISO_8859_1)
                + "WORKDIR /app\n").getBytes(StandardCharsets.ISO_8859_1));
        Files.write(app.resolve(".dockerignore"), comment);
        Cli.Result built = ok("build", "-t", "latin", app.toString());
        assertEquals(List.of("[1/2] FROM docker.io/library/base:1 CACHED", "[2/2] WORKDIR /app DONE"),
                steps(built.err()), built::toString);
    }

    @Test
    void aLowerCaseDockerfileServesWhenTheContextHasNoDockerfileAsDockersCliTakesIt() throws Exception {
        Path app = context("app", Map.of("dockerfile", "FROM base:1\nWORKDIR /lower\n"));
        Cli.Result built = ok("build", "-t", "lower", app.toString());
        assertEquals(List.of("[1/2] FROM docker.io/library/base:1 CACHED", "[2/2] WORKDIR /lower DONE"),
                steps(built.err()), built::toString);
        Files.writeString(app.resolve("dockerfile"), "FROM base:1\nWORKDIR /lower\nCOPY\n");
        Cli.Result bad = cli().run("build", app.toString());
        assertEquals("jreg: dockerfile:3: COPY requires at least two arguments: SOURCE... DESTINATION\n", bad.err(),
                "named as it is");
        Cli.Result none = cli().run("build", context("empty", Map.of("x", "")).toString());
        assertEquals(2, none.exitCode(), none::toString);
        assertTrue(none.err().startsWith("jreg: no such Dockerfile: "), none::toString);
    }

    @Test
    void aDockerfileThatIsADirectoryIsOneLineExit2() throws Exception {
        Path app = context("app", Map.of("docker/keep", ""));
        Cli.Result bad = cli().run("build", "-f", app.resolve("docker").toString(), app.toString());
        assertEquals(2, bad.exitCode(), bad::toString);
        assertEquals("jreg: Dockerfile " + app.resolve("docker") + " is a directory, not a file\n", bad.err());
    }

    @Test
    void anArchiveEntryThatLeavesTheDestinationNamesTheAddsLine() throws Exception {
        Path app = context("app", Map.of("Dockerfile", "FROM base:1\nWORKDIR /app\nADD evil.tar /e/\n"));
        Files.write(app.resolve("evil.tar"), new TarBuilder().file("../../x", "out").tar());
        Cli.Result bad = cli().run("build", "-t", "evil", app.toString());
        assertEquals(7, bad.exitCode(), bad::toString);
        assertTrue(bad.err().endsWith("jreg: Dockerfile:3: layer evil.tar: entry \"../../x\" leaves the target"
                + " directory\n"), bad::toString);
        assertFalse(LocalStore.open(store).lookup(Reference.parse("evil")).isPresent(), "no name");
    }
}
