package dev.jreg.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import dev.jreg.testing.JregProcess;
import dev.jreg.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pull stopped part-way says why and what the next run does, and keeps what it wrote. Ctrl-C:
 * the line ended, exit 130. A store that cannot take more bytes: /dev/full answers every write with
 * ENOSPC, as a full disk does, and a file size limit makes a write fail half-way through a blob.
 */
class StoppedPullTest {
    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final String RESUMES = "jreg: interrupted; the next pull resumes where this one stopped";

    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path home;
    @TempDir
    Path store;

    TestImages.Layer layer;

    @BeforeEach
    void serveAnImage() throws Exception {
        layer = TestImages.layer(95, 2_000_000);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        Descriptor configDescriptor = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256(config), config.length);
        ManifestBlob manifest = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null, configDescriptor,
                List.of(layer.descriptor()), null, null));
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
        registry.stubFor(any(urlEqualTo("/v2/demo/app/manifests/1")).willReturn(aResponse().withBody(manifest.bytes())
                .withHeader("Content-Type", manifest.mediaType().value())
                .withHeader("Docker-Content-Digest", manifest.digest().toString())));
        registry.stubFor(get(urlEqualTo("/v2/demo/app/blobs/" + configDescriptor.digest())).willReturn(aResponse()
                .withBody(config)));
        serveLayer(20_000);
    }

    /** The layer in 100 pieces spread over this many milliseconds. */
    void serveLayer(int millis) {
        registry.stubFor(get(urlEqualTo("/v2/demo/app/blobs/" + layer.descriptor().digest())).willReturn(aResponse()
                .withBody(layer.bytes()).withChunkedDribbleDelay(100, millis)));
    }

    String image() {
        return "127.0.0.1:" + registry.getPort() + "/demo/app:1";
    }

    Path partial() {
        Digest digest = layer.descriptor().digest();
        return store.resolve("ingest/" + digest.algorithm() + "-" + digest.hex() + ".partial");
    }

    /** A wait of at most a few milliseconds that ends early when the work under test does. */
    interface Pause {
        void briefly() throws InterruptedException;
    }

    static void await(String what, BooleanSupplier condition, Pause pause) throws InterruptedException {
        Instant end = Instant.now().plus(DEADLINE);
        while (!condition.getAsBoolean()) {
            assertTrue(Instant.now().isBefore(end), "waited a minute for " + what);
            pause.briefly();
        }
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    @Test
    void ctrlCSaysThePullWillResumeExitsWith130AndKeepsThePartialDownload() throws Exception {
        Path log = home.resolve("pull.log");
        Process pull = JregProcess.start(Map.of("JREG_HOME", store.toString(), "HOME", home.toString()), log,
                "pull", image());
        await("bytes of the layer on disk", () -> size(partial()) > 0 || !pull.isAlive(),
                () -> pull.waitFor(10, TimeUnit.MILLISECONDS));
        assertTrue(pull.isAlive(), () -> "the pull is under way: " + read(log));

        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pull.pid())).start();
        assertEquals(0, kill.waitFor());
        assertTrue(pull.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));

        String output = read(log);
        assertEquals(130, pull.exitValue(), output);
        assertTrue(output.endsWith("\n" + RESUMES + "\n"), output);
        long kept = size(partial());
        assertTrue(kept > 0, output);

        serveLayer(0);
        Cli.Result again = new Cli(home, store).run("pull", image());
        assertEquals(0, again.exitCode(), again::toString);
        assertArrayEquals(layer.bytes(), Files.readAllBytes(OciLayout.open(store).blobPath(layer.descriptor().digest())));
    }

    /** A layout keeps no temp file of a copy stopped with Ctrl-C or kill: nothing would ever remove it. */
    @Test
    void aCopyIntoALayoutStoppedMidBlobLeavesNoTempFile() throws Exception {
        Path layout = home.resolve("layout");
        for (String signal : List.of("-INT", "-TERM")) {
            Path log = home.resolve("copy" + signal + ".log");
            Process copy = JregProcess.start(Map.of("JREG_HOME", store.toString(), "HOME", home.toString()), log,
                    "copy", image(), "oci:" + layout + ":app");
            await("a temp file of the layer in the layout", () -> !temps(layout).isEmpty() || !copy.isAlive(),
                    () -> copy.waitFor(10, TimeUnit.MILLISECONDS));
            assertTrue(copy.isAlive(), () -> "the copy is under way: " + read(log));

            assertEquals(0, new ProcessBuilder("kill", signal, Long.toString(copy.pid())).start().waitFor());
            assertTrue(copy.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
            assertEquals(signal.equals("-INT") ? 130 : 143, copy.exitValue(), read(log));
            assertEquals(List.of(), temps(layout), read(log));
        }
    }

    static List<Path> temps(Path layout) {
        try (Stream<Path> files = Files.walk(layout)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".tmp")).toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    /** On a terminal the progress block stays as it was drawn, and the message starts a line of its own. */
    @Test
    void onATerminalTheProgressStaysAndTheMessageGoesBelowIt() throws Exception {
        serveLayer(3_000);
        StringWriter err = new StringWriter();
        CliContext terminal = new CliContext(Map.of("JREG_HOME", store.toString(), "COLUMNS", "120", "LINES", "24"), home,
                InputStream.nullInputStream(), new ByteArrayOutputStream(), new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true), true);
        Interruption interruption = new Interruption(terminal);
        Thread pull = new Thread(() -> JregCommand.run(terminal, interruption, "pull", image()));
        pull.start();
        String hex = layer.descriptor().digest().shortHex();
        await("a progress bar", () -> err.toString().contains(hex + ": Downloading ["), () -> pull.join(10));

        interruption.interrupted(); // what the shutdown hook does on Ctrl-C
        String shown = err.toString();
        pull.join(DEADLINE.toMillis());
        assertFalse(pull.isAlive());

        String after = err.toString().substring(shown.length());
        assertFalse(after.contains("\033") || after.contains(hex), "nothing redrawn once interrupted: " + after);
        VirtualScreen screen = new VirtualScreen(120, 24);
        screen.write(shown);
        List<String> lines = screen.everything();
        assertEquals(RESUMES, lines.get(lines.size() - 1), lines::toString);
        assertEquals("", lines.get(lines.size() - 2), "the row where the terminal echoes ^C: " + lines);
        assertTrue(lines.get(lines.size() - 3).startsWith(hex + ": Downloading ["), lines::toString);
        assertEquals(1, lines.stream().filter(l -> l.startsWith(hex)).count(), lines::toString);
    }

    /** A command that ends by itself says nothing when the JVM then shuts down. */
    @Test
    void aNormalExitIsNoInterruption() {
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(Map.of("JREG_HOME", store.toString()), home, InputStream.nullInputStream(),
                new ByteArrayOutputStream(), new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), false);
        Interruption interruption = new Interruption(context);
        assertEquals(0, JregCommand.run(context, interruption, "images"));
        interruption.over();
        interruption.interrupted();
        assertEquals("", err.toString());

        Interruption early = new Interruption(context);
        early.interrupted();
        early.interrupted();
        assertEquals("jreg: interrupted\n", err.toString(), "before any transfer: nothing to resume; said once");
    }

    @Test
    void noSpaceLeftOnDeviceNamesThePartialDownloadAndKeepsItForTheNextRun() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "no /dev/full here");
        serveLayer(0);
        Path partial = partial();
        Files.createDirectories(partial.getParent());
        Files.createSymbolicLink(partial, Path.of("/dev/full"));

        Cli.Result full = new Cli(home, store).run("pull", image());

        assertEquals(1, full.exitCode(), full::toString);
        assertTrue(full.err().endsWith("jreg: cannot write " + partial + ": No space left on device; the partial download"
                + " (0 of " + layer.descriptor().size() + " bytes) is kept for the next run\n"), full::toString);
        assertTrue(Files.isSymbolicLink(partial), "kept");
        assertTrue(LocalStore.open(store).lookup(Reference.parse(image())).isEmpty(), "no name for an incomplete image");

        Files.delete(partial); // room again
        Cli.Result again = new Cli(home, store).run("pull", image());
        assertEquals(0, again.exitCode(), again::toString);
        assertTrue(OciLayout.open(store).hasBlob(layer.descriptor()));
    }

    @Test
    void aWriteThatFailsHalfWayKeepsTheBytesWrittenAndTheNextPullCompletesTheBlob() throws Exception {
        Path log = home.resolve("pull.log");
        serveLayer(0);
        Process pull = JregProcess.startWithFileSizeLimit(Map.of("JREG_HOME", store.toString(), "HOME", home.toString()), log,
                512, "pull", image());
        assertTrue(pull.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the pull ends");
        String output = Files.readString(log);
        assertEquals(1, pull.exitValue(), output);

        Path partial = partial();
        long kept = Files.size(partial);
        assertTrue(kept > 0 && kept < layer.descriptor().size(), "part of the blob: " + kept);
        assertArrayEquals(Arrays.copyOf(layer.bytes(), (int) kept), Files.readAllBytes(partial), "the blob's first bytes");
        assertTrue(output.endsWith("jreg: cannot write " + partial + ": File too large; the partial download (" + kept
                + " of " + layer.descriptor().size() + " bytes) is kept for the next run\n"), output);
        assertEquals(1, registry.findAll(getRequestedFor(
                urlEqualTo("/v2/demo/app/blobs/" + layer.descriptor().digest()))).size(), "not asked again: " + output);

        Cli.Result again = new Cli(home, store).run("pull", image());
        assertEquals(0, again.exitCode(), again::toString);
        assertArrayEquals(layer.bytes(), Files.readAllBytes(OciLayout.open(store).blobPath(layer.descriptor().digest())));
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
