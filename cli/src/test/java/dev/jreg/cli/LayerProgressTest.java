package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.MediaType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerProgressTest {
    static final Descriptor LAYER_A = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256("a".getBytes(StandardCharsets.UTF_8)), 1_000_000);
    static final Descriptor LAYER_B = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256("b".getBytes(StandardCharsets.UTF_8)), 2_000);
    static final Descriptor CONFIG = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256("c".getBytes(StandardCharsets.UTF_8)), 100);

    @Test
    void plainOutputIsOneLinePerStateChangeWithoutEscapes() {
        StringWriter out = new StringWriter();
        try (LayerProgress progress = new LayerProgress(new PrintWriter(out), false, 80, 24, LayerProgress.Verbs.PULL, true)) {
            progress.planned(List.of(LAYER_A, LAYER_B));
            progress.blobSkipped(LAYER_B);
            progress.blobSkipped(CONFIG);
            progress.blobStarted(LAYER_A);
            progress.blobProgress(LAYER_A, 500_000);
            progress.blobDone(LAYER_A);
        }
        assertEquals(LAYER_B.digest().shortHex() + ": Already exists\n" + LAYER_A.digest().shortHex() + ": Pull complete\n",
                out.toString(), "configs get no line; no escape codes when not a terminal");
    }

    @Test
    void terminalOutputRedrawsLinesWithABar() {
        StringWriter out = new StringWriter();
        try (LayerProgress progress = new LayerProgress(new PrintWriter(out), true, 120, 24, LayerProgress.Verbs.PULL, true)) {
            progress.planned(List.of(LAYER_A, LAYER_B));
            progress.blobStarted(LAYER_A);
            progress.blobProgress(LAYER_A, 500_000);
            progress.blobSkipped(LAYER_B);
        }
        String text = out.toString();
        assertTrue(text.contains("Pulling fs layer"), text);
        assertTrue(text.contains("\033[2A"), "moves up over the two layer lines to redraw them");
        assertTrue(text.contains("[" + "=".repeat(24) + ">" + " ".repeat(25) + "] "), "half-way bar: " + text);
        assertTrue(text.contains("500kB/1MB"), text);
        assertFalse(text.contains(CONFIG.digest().shortHex()));
    }

    @Test
    void quietProgressPrintsNothing() {
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(java.util.Map.of(), java.nio.file.Path.of("/"), System.in, System.out,
                new PrintWriter(new StringWriter()), new PrintWriter(err), true);
        try (LayerProgress progress = LayerProgress.of(context, true, LayerProgress.Verbs.PUSH)) {
            progress.planned(List.of(LAYER_A));
            progress.blobSkipped(LAYER_A);
        }
        assertEquals("", err.toString());
    }

    @Test
    void pushWordsAreDockers() {
        StringWriter out = new StringWriter();
        try (LayerProgress progress = new LayerProgress(new PrintWriter(out), false, 80, 24, LayerProgress.Verbs.PUSH, true)) {
            progress.planned(List.of(LAYER_A, LAYER_B));
            progress.blobSkipped(LAYER_A);
            progress.blobMounted(LAYER_B, dev.jreg.model.Reference.parse("localhost:5000/team/base:1"));
        }
        assertEquals(LAYER_A.digest().shortHex() + ": Layer already exists\n" + LAYER_B.digest().shortHex()
                + ": Mounted from team/base\n", out.toString());
    }

    /** A line that wraps leaves a copy behind at every redraw: each must be shorter than the terminal. */
    @Test
    void terminalLinesFitAnEightyColumnTerminal() {
        StringWriter out = new StringWriter();
        try (LayerProgress progress = new LayerProgress(new PrintWriter(out), true, 80, 24, LayerProgress.Verbs.PULL, true)) {
            progress.planned(List.of(LAYER_A, LAYER_B));
            progress.blobStarted(LAYER_A);
            progress.blobProgress(LAYER_A, 500_000);
            progress.blobSkipped(LAYER_B);
        }
        List<String> lines = out.toString().replaceAll("\033\\[[0-9]*[AKJ]|\r", "").lines().toList();
        assertTrue(lines.stream().allMatch(line -> line.length() < 80), lines::toString);
        String shortened = LAYER_A.digest().shortHex() + ": Downloading [" + "=".repeat(19) + ">" + " ".repeat(21) + "] 500kB/1MB";
        assertTrue(lines.contains(shortened), lines::toString);
        assertEquals(79, shortened.length(), "the bar takes what the line leaves, one column kept free");
    }

    @Test
    void aDumbTerminalGetsPlainLines() {
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(java.util.Map.of("TERM", "dumb"), java.nio.file.Path.of("/"), System.in,
                System.out, new PrintWriter(new StringWriter()), new PrintWriter(err), true);
        try (LayerProgress progress = LayerProgress.of(context, false, LayerProgress.Verbs.PULL)) {
            progress.planned(List.of(LAYER_A));
            progress.blobDone(LAYER_A);
        }
        assertEquals(LAYER_A.digest().shortHex() + ": Pull complete\n", err.toString());
    }

    private static List<Descriptor> layers(int count) {
        List<Descriptor> layers = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            layers.add(Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(("layer " + i).getBytes(StandardCharsets.UTF_8)),
                    3_000_000L + i));
        }
        return layers;
    }

    /** What a terminal of this size shows, scrollback included, after everything written so far. */
    private static VirtualScreen render(StringWriter out, int columns, int rows) {
        VirtualScreen screen = new VirtualScreen(columns, rows);
        screen.write(out.toString());
        return screen;
    }

    private static long linesOf(List<String> shown, Descriptor layer) {
        return shown.stream().filter(line -> line.startsWith(layer.digest().shortHex() + ":")).count();
    }

    /**
     * Ten layers on an 80x8 screen: at every step no layer line appears twice (on screen or in the
     * scrollback) and none wraps; at the end each is there once, in the manifest's order.
     */
    @Test
    void moreLayersThanRowsLeaveEachLineOnceInOrder() {
        List<Descriptor> layers = layers(10);
        StringWriter out = new StringWriter();
        List<Runnable> steps = new java.util.ArrayList<>();
        try (LayerProgress progress = new LayerProgress(new PrintWriter(out), true, 80, 8, LayerProgress.Verbs.PULL, true)) {
            steps.add(() -> progress.planned(layers));
            steps.add(() -> progress.blobSkipped(layers.get(4)));
            for (int i : new int[] {0, 1, 2, 7, 9}) {
                steps.add(() -> progress.blobStarted(layers.get(i)));
                steps.add(() -> progress.blobProgress(layers.get(i), 1_000_000));
                steps.add(progress::tick);
            }
            steps.add(() -> progress.blobDone(layers.get(9)));
            steps.add(() -> progress.blobDone(layers.get(1)));
            steps.add(progress::tick);
            for (int i : new int[] {3, 5, 6, 8}) {
                steps.add(() -> progress.blobSkipped(layers.get(i)));
            }
            for (int i : new int[] {2, 7, 0}) {
                steps.add(() -> progress.blobProgress(layers.get(i), 2_000_000));
                steps.add(progress::tick);
                steps.add(() -> progress.blobDone(layers.get(i)));
            }
            for (Runnable step : steps) {
                step.run();
                VirtualScreen screen = render(out, 80, 8);
                List<String> shown = screen.everything();
                assertEquals(0, screen.wraps(), () -> String.join("\n", shown));
                for (Descriptor layer : layers) {
                    assertTrue(linesOf(shown, layer) <= 1, () -> "a copy left behind:\n" + String.join("\n", shown));
                }
            }
        }
        List<String> last = render(out, 80, 8).everything();
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            expected.add(layers.get(i).digest().shortHex() + ": " + (List.of(0, 1, 2, 7, 9).contains(i) ? "Pull complete" : "Already exists"));
        }
        assertEquals(expected, last);
    }

    /** While more layers wait than fit, the active ones stay on screen and the rest are counted. */
    @Test
    void aBlockTallerThanTheScreenCountsWhatItCannotShow() {
        List<Descriptor> layers = layers(12);
        StringWriter out = new StringWriter();
        try (LayerProgress progress = new LayerProgress(new PrintWriter(out), true, 80, 6, LayerProgress.Verbs.PULL, true)) {
            progress.planned(layers);
            progress.blobSkipped(layers.get(11));
            progress.blobStarted(layers.get(10));
            progress.blobProgress(layers.get(10), 1_500_000);
            progress.tick();
            List<String> shown = render(out, 80, 6).everything();
            assertEquals(5, shown.size(), () -> String.join("\n", shown));
            assertEquals(layers.get(0).digest().shortHex() + ": Pulling fs layer", shown.get(0));
            assertTrue(shown.get(3).startsWith(layers.get(10).digest().shortHex() + ": Downloading"), shown::toString);
            assertEquals("+ 8 more layers: 7 waiting, 1 complete", shown.get(4));
        }
    }

    /** A pull that fails part-way still leaves every layer line once, in its last state. */
    @Test
    void closingWithLayersUnfinishedPrintsEachOnce() {
        List<Descriptor> layers = layers(9);
        StringWriter out = new StringWriter();
        try (LayerProgress progress = new LayerProgress(new PrintWriter(out), true, 60, 5, LayerProgress.Verbs.PULL, true)) {
            progress.planned(layers);
            progress.blobStarted(layers.get(3));
            progress.blobProgress(layers.get(3), 100_000);
            progress.tick();
            progress.blobDone(layers.get(0));
        }
        VirtualScreen screen = render(out, 60, 5);
        assertEquals(0, screen.wraps());
        List<String> shown = screen.everything();
        assertEquals(9, shown.size(), () -> String.join("\n", shown));
        for (Descriptor layer : layers) {
            assertEquals(1, linesOf(shown, layer), shown::toString);
        }
        assertTrue(shown.get(3).startsWith(layers.get(3).digest().shortHex() + ": Downloading [ ")
                && shown.get(3).endsWith("] 100kB/3MB") && shown.get(3).length() == 59, shown::toString);
    }

    /**
     * Lines of the library's printed during a transfer (a retry, a mirror that failed), longer
     * than the terminal is wide: each stays, once, above the block, and no layer line is left twice.
     */
    @Test
    void linesPrintedDuringTheTransferStayAboveTheBlock() {
        List<Descriptor> layers = layers(10);
        String notice = "jreg: GET http://127.0.0.1:5723/v2/test/many/blobs/sha256:" + "1".repeat(64)
                + ": timed out; retrying in 1.9 s (attempt 3 of 5)";
        StringWriter out = new StringWriter();
        try (LayerProgress progress = new LayerProgress(new PrintWriter(out), true, 80, 8, LayerProgress.Verbs.PULL, true)) {
            progress.planned(layers);
            progress.blobStarted(layers.get(0));
            progress.blobProgress(layers.get(0), 1_000_000);
            progress.tick();
            progress.print(notice);
            progress.blobSkipped(layers.get(5));
            progress.tick();
            progress.print("Mirror http://127.0.0.1:5720 failed (not found (HTTP 404)); trying 127.0.0.1:5716/test/many");
            for (Descriptor layer : layers) {
                progress.blobDone(layer);
            }
        }
        VirtualScreen screen = render(out, 80, 8);
        String all = String.join("", screen.everything());
        assertTrue(all.contains(notice), all);
        assertTrue(all.contains("Mirror http://127.0.0.1:5720 failed"), all);
        List<String> shown = screen.everything();
        for (Descriptor layer : layers) {
            assertEquals(1, linesOf(shown, layer), () -> String.join("\n", shown));
        }
        assertTrue(all.indexOf(notice) < all.indexOf(layers.get(1).digest().shortHex() + ": Pull complete"),
                "the line stays above the layers still in the block");
    }

    /** Another process downloading the same layer is waited for in words, not with a frozen bar. */
    @Test
    void aLayerAnotherProcessDownloadsSaysItWaits() {
        StringWriter out = new StringWriter();
        try (LayerProgress progress = new LayerProgress(new PrintWriter(out), false, 80, 24, LayerProgress.Verbs.PULL, true)) {
            progress.planned(List.of(LAYER_A));
            progress.blobStarted(LAYER_A);
            progress.blobWaiting(LAYER_A);
            progress.blobDone(LAYER_A);
        }
        assertEquals(LAYER_A.digest().shortHex() + ": Waiting for another jreg process\n" + LAYER_A.digest().shortHex()
                + ": Pull complete\n", out.toString());
    }
}
