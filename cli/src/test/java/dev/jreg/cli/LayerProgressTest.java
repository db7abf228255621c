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
        try (LayerProgress progress = new LayerProgress(new PrintWriter(out), false, 80, LayerProgress.Verbs.PULL, true)) {
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
        try (LayerProgress progress = new LayerProgress(new PrintWriter(out), true, 120, LayerProgress.Verbs.PULL, true)) {
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
        try (LayerProgress progress = new LayerProgress(new PrintWriter(out), false, 80, LayerProgress.Verbs.PUSH, true)) {
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
        try (LayerProgress progress = new LayerProgress(new PrintWriter(out), true, 80, LayerProgress.Verbs.PULL, true)) {
            progress.planned(List.of(LAYER_A, LAYER_B));
            progress.blobStarted(LAYER_A);
            progress.blobProgress(LAYER_A, 500_000);
            progress.blobSkipped(LAYER_B);
        }
        List<String> lines = out.toString().replaceAll("\033\\[[0-9]*[AK]|\r", "").lines().toList();
        assertTrue(lines.stream().allMatch(line -> line.length() < 80), lines::toString);
        assertTrue(lines.contains(LAYER_A.digest().shortHex() + ": Downloading 500kB/1MB"), lines::toString);
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
}
