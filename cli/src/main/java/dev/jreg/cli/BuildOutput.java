package dev.jreg.cli;

import dev.jreg.BuildListener;
import dev.jreg.BuildResult;
import dev.jreg.BuildStep;
import dev.jreg.CopyListener;
import dev.jreg.CopyResult;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Reference;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code jreg build}'s progress on stderr, as BuildKit's: {@code plain}, its plain progress — each
 * step numbered ({@code #3 [2/3] COPY . /app/}), then {@code #3 CACHED} or {@code #3 DONE 0.1s},
 * a {@code RUN}'s output lines under it with the seconds since the step began
 * ({@code #3 0.123 hello}); {@code tty}, one line a step ({@code => [2/3] COPY . /app/} with its
 * time at the right, {@code => CACHED …} when cached), the line drawn when the step begins and
 * completed in place when it ends, a running command's last {@value #WINDOW} lines under it
 * ({@code => => # hello}) until then; a step that failed {@code #3 ERROR: …} in plain progress and
 * {@code => ERROR …} on a terminal, as BuildKit marks it; {@code json}, one object a line. A pull shows as
 * {@code jreg pull} shows it. The image written, BuildKit's {@code exporting to image} lines; then
 * each push among them, its layers as {@code jreg push} shows them and its manifest's digest whole.
 * On a terminal lines are cut to the width ({@code COLUMNS}, else 80), but for the line of a
 * pushed digest ({@code TAG: digest: …}), which is copied; plain progress, read in a log or a pipe, keeps every line whole, as BuildKit's.
 */
final class BuildOutput implements BuildListener {
    /** How progress is shown. */
    enum Mode {
        PLAIN, TTY, JSON, QUIET
    }

    /** How many of a running command's last lines a terminal shows under its step, as BuildKit's does. */
    static final int WINDOW = 6;
    private static final BigDecimal TEN = BigDecimal.TEN;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    /** A terminal's control sequences (colours, cursor moves) a command may print. */
    private static final Pattern CONTROL_SEQUENCE = Pattern.compile("\033\\[[0-?]*[ -/]*[@-~]");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private final JregCommand root;
    private final PrintWriter err;
    private final Mode mode;
    private final int width;
    private final Map<BuildStep, Integer> numbers = new LinkedHashMap<>();
    private LayerProgress transfer;
    /** A step whose line is drawn, on a terminal, and not yet ended by a new line. */
    private BuildStep drawn;
    /** The drawn step's last lines of output, shown under its line, the cursor below them. */
    private final Deque<String> window = new ArrayDeque<>();
    /** The number of the {@code exporting to image} step, once the image is written. */
    private int exporting;

    BuildOutput(JregCommand root, Mode mode) {
        this.root = root;
        this.err = root.context().err();
        this.mode = mode;
        this.width = width(root.context().env().get("COLUMNS"));
    }

    /** The terminal's width from {@code COLUMNS}, 80 when unset or under 40. */
    static int width(String columns) {
        try {
            int value = columns == null ? LayerProgress.DEFAULT_COLUMNS : Integer.parseInt(columns.strip());
            return value >= 40 ? value : LayerProgress.DEFAULT_COLUMNS;
        } catch (NumberFormatException e) {
            return LayerProgress.DEFAULT_COLUMNS;
        }
    }

    @Override
    public synchronized void started(BuildStep step) {
        int number = numbers.size() + 1;
        numbers.put(step, number);
        switch (mode) {
            case PLAIN -> line("#" + number + " " + step.label() + " " + step.instruction());
            case TTY -> {
                endDrawn();
                err.print(cut(" => " + step.label() + " " + step.instruction(), width));
                err.flush();
                drawn = step;
            }
            case JSON -> json(step, "started", null, null);
            case QUIET -> {
            }
        }
    }

    @Override
    public synchronized void cached(BuildStep step) {
        switch (mode) {
            case PLAIN -> {
                line("#" + numbers.get(step) + " CACHED");
                err.println();
            }
            case TTY -> ended(step, " => CACHED " + step.label() + " " + step.instruction(), "0.0s");
            case JSON -> json(step, "cached", null, null);
            case QUIET -> {
            }
        }
    }

    @Override
    public synchronized void done(BuildStep step, Duration took) {
        switch (mode) {
            case PLAIN -> {
                line("#" + numbers.get(step) + " DONE " + seconds(took));
                err.println();
            }
            case TTY -> ended(step, " => " + step.label() + " " + step.instruction(), seconds(took));
            case JSON -> json(step, "done", took, null);
            case QUIET -> {
            }
        }
    }

    /**
     * A step that failed, as BuildKit marks it: {@code #4 ERROR: process … exit code: 3} in plain
     * progress; on a terminal {@code => ERROR [4/4] RUN …} with its time, the command's last lines
     * kept under it; in JSON an {@code error} event.
     */
    @Override
    public synchronized void failed(BuildStep step, Duration took, String error) {
        switch (mode) {
            case PLAIN -> {
                line("#" + numbers.get(step) + " ERROR: " + error);
                err.println();
            }
            case TTY -> {
                List<String> lastLines = step.equals(drawn) ? List.copyOf(window) : List.of();
                ended(step, " => ERROR " + step.label() + " " + step.instruction(), seconds(took));
                lastLines.forEach(err::println);
                err.flush();
            }
            case JSON -> json(step, "error", took, error);
            case QUIET -> {
            }
        }
    }

    @Override
    public synchronized void output(BuildStep step, Duration elapsed, String line) {
        switch (mode) {
            case PLAIN -> err.println("#" + numbers.get(step) + " " + elapsed(elapsed) + " " + line);
            case TTY -> showInWindow(step, line);
            case JSON -> {
                Map<String, Object> event = event(step, "output");
                event.put("output", line);
                err.println(JsonOutput.write(event));
            }
            case QUIET -> {
            }
        }
        err.flush();
    }

    @Override
    public synchronized CopyListener transferStarted(Transfer kind, Reference image) {
        endDrawn();
        boolean pull = kind == Transfer.PULL;
        transfer = root.progress(mode == Mode.QUIET || mode == Mode.JSON,
                pull ? LayerProgress.Verbs.PULL : LayerProgress.Verbs.PUSH);
        if (pull) {
            transfer.heading((image.tag() != null ? image.tag() : image.digest().toString()) + ": Pulling from "
                    + image.repository());
        } else {
            exported("pushing layers");
        }
        return transfer;
    }

    /**
     * A pull's last lines as {@code jreg pull} prints them; a push's as BuildKit's exporter
     * ({@code pushing manifest for NAME@sha256:… done}) and {@code jreg push} print them
     * ({@code TAG: digest: sha256:… size: N}), the digest whole however wide: it is copied.
     */
    @Override
    public synchronized void transferFinished(Transfer kind, Reference image, CopyResult result) {
        transfer.close();
        transfer = null;
        if (result == null || mode == Mode.QUIET || mode == Mode.JSON) {
            return;
        }
        if (kind == Transfer.PULL) {
            err.println("Digest: " + result.sourceDigest());
            err.println("Status: " + (result.upToDate() ? "Image is up to date for " : "Downloaded newer image for ")
                    + image.familiar());
        } else {
            ManifestBlob manifest = result.top();
            // On a terminal cut as the other lines: the next one gives the digest whole.
            exported("pushing manifest for " + image + "@" + manifest.digest() + " done");
            err.println(image.tagOrDigest() + ": digest: " + manifest.digest() + " size: " + manifest.size());
        }
        err.flush();
    }

    /** The lines of the image written and named, as BuildKit's {@code exporting to image}, before any push. */
    @Override
    public synchronized void written(BuildResult result) {
        List<String> lines = new ArrayList<>();
        // The whole ID, as BuildKit writes it: a user copies it from the log.
        lines.add("writing image " + Table.digest(result.imageId(), true) + " done");
        result.names().forEach(name -> lines.add("naming to " + name + " done"));
        exporting = numbers.size() + 1;
        switch (mode) {
            case PLAIN -> {
                line("#" + exporting + " exporting to image");
                lines.forEach(this::exported);
            }
            case TTY -> {
                endDrawn();
                err.println(" => exporting to image");
                lines.forEach(this::exported);
            }
            case JSON -> {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("status", "written");
                event.put("id", result.imageId().toString());
                event.put("names", result.names().stream().map(Reference::toString).toList());
                event.put("steps", (long) result.steps());
                event.put("cached", (long) result.cachedSteps());
                err.println(JsonOutput.write(event));
            }
            case QUIET -> {
            }
        }
        err.flush();
    }

    /**
     * A command's line on a terminal, in the window under its step's line: the window redrawn
     * with the last {@value #WINDOW} lines, each on one row.
     */
    private void showInWindow(BuildStep step, String line) {
        if (!step.equals(drawn)) {
            endDrawn();
            err.print(cut(" => " + step.label() + " " + step.instruction(), width));
            drawn = step;
        }
        // From the window's first row, or from the end of the step's line when it has none yet.
        err.print(window.isEmpty() ? "\n" : "\033[" + window.size() + "A\r");
        window.addLast(cut(" => => # " + shownOnTerminal(line), width));
        if (window.size() > WINDOW) {
            window.removeFirst();
        }
        StringBuilder rows = new StringBuilder("\033[J");
        window.forEach(row -> rows.append(row).append('\n'));
        err.print(rows);
    }

    /** What a terminal shows of a line: its text after the last carriage return, control sequences left out. */
    private static String shownOnTerminal(String line) {
        String shown = CONTROL_SEQUENCE.matcher(line.substring(line.lastIndexOf('\r') + 1)).replaceAll("");
        return CONTROL.matcher(shown).replaceAll(" ");
    }

    /** A line of the {@code exporting to image} step: {@code #4 naming to …}, or on a terminal {@code  => => naming to …}. */
    private void exported(String text) {
        switch (mode) {
            case PLAIN -> line("#" + exporting + " " + text);
            case TTY -> line(" => => " + text);
            case JSON, QUIET -> {
            }
        }
    }

    /** A step's line on a terminal, completed with its time at the right, its window gone. */
    private void ended(BuildStep step, String text, String time) {
        String shown = cut(text, width - time.length() - 1);
        String line = shown + " ".repeat(Math.max(1, width - shown.length() - time.length())) + time;
        if (!step.equals(drawn)) {
            endDrawn();
            err.print(line + "\n");
        } else if (window.isEmpty()) {
            err.print("\r" + line + "\n");
        } else {
            err.print("\033[" + (window.size() + 1) + "A\r\033[J" + line + "\n");
        }
        err.flush();
        drawn = null;
        window.clear();
    }

    /** Ends a step's line drawn on a terminal, so that other lines go below it; its window stays. */
    private void endDrawn() {
        if (drawn != null && window.isEmpty()) {
            err.println();
        }
        drawn = null;
        window.clear();
    }

    /** A line of progress: on a terminal cut to its width; in plain progress whole, as BuildKit never cuts it. */
    private void line(String text) {
        err.println(mode == Mode.TTY ? cut(text, width) : text);
        err.flush();
    }

    /** A step's event: with {@code milliseconds} when it ended, with {@code error} when it failed. */
    private void json(BuildStep step, String status, Duration took, String error) {
        Map<String, Object> event = event(step, status);
        if (took != null) {
            event.put("milliseconds", took.toMillis());
        }
        if (error != null) {
            event.put("error", error);
        }
        err.println(JsonOutput.write(event));
        err.flush();
    }

    private Map<String, Object> event(BuildStep step, String status) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", (long) numbers.get(step));
        event.put("status", status);
        event.put("stage", step.stage());
        event.put("step", (long) step.number());
        event.put("steps", (long) step.total());
        event.put("instruction", step.instruction());
        event.put("line", (long) step.line());
        return event;
    }

    /** A line cut to {@code columns} characters, its end replaced by {@code …} when it is longer. */
    static String cut(String text, int columns) {
        return text.length() <= columns ? text : text.substring(0, columns - 1) + "…";
    }

    /**
     * Seconds since a step began, as BuildKit's plain progress puts them before a command's line:
     * three decimals under 10 s, two under 100 s, one beyond ({@code 0.123}, {@code 12.35}, {@code 123.5}).
     */
    static String elapsed(Duration elapsed) {
        BigDecimal seconds = BigDecimal.valueOf(elapsed.toNanos(), 9);
        int decimals = seconds.compareTo(TEN) < 0 ? 3 : seconds.compareTo(HUNDRED) < 0 ? 2 : 1;
        return seconds.setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** Seconds with one decimal, as BuildKit prints a step's time: {@code 0.1s}. */
    static String seconds(Duration took) {
        return BigDecimal.valueOf(took.toMillis()).divide(BigDecimal.valueOf(1000), 1, RoundingMode.HALF_UP)
                .toPlainString() + "s";
    }
}
