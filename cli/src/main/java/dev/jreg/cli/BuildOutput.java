package dev.jreg.cli;

import dev.jreg.BuildListener;
import dev.jreg.BuildResult;
import dev.jreg.BuildStep;
import dev.jreg.CopyListener;
import dev.jreg.CopyResult;
import dev.jreg.model.Reference;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code jreg build}'s progress on stderr, as BuildKit's: {@code plain}, its plain progress — each
 * step numbered ({@code #3 [2/3] COPY . /app/}), then {@code #3 CACHED} or {@code #3 DONE 0.1s},
 * a {@code RUN}'s output lines under it; {@code tty}, one line a step ({@code => [2/3] COPY . /app/}
 * with its time at the right, {@code => CACHED …} when cached), the line drawn when the step
 * begins and completed in place when it ends; {@code json}, one object a line. Pulls and pushes
 * show as {@code jreg pull} and {@code jreg push} show them. Lines are cut to the width
 * ({@code COLUMNS}, else 80).
 */
final class BuildOutput implements BuildListener {
    /** How progress is shown. */
    enum Mode {
        PLAIN, TTY, JSON, QUIET
    }

    private final JregCommand root;
    private final PrintWriter err;
    private final Mode mode;
    private final int width;
    private final Map<BuildStep, Integer> numbers = new LinkedHashMap<>();
    private LayerProgress transfer;
    /** A step whose line is drawn, on a terminal, and not yet ended by a new line. */
    private BuildStep drawn;

    BuildOutput(JregCommand root, Mode mode) {
        this.root = root;
        this.err = root.context().err();
        this.mode = mode;
        this.width = width(root.context().env().get("COLUMNS"));
    }

    private static int width(String columns) {
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
            case JSON -> json(step, "started", null);
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
            case JSON -> json(step, "cached", null);
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
            case JSON -> json(step, "done", took);
            case QUIET -> {
            }
        }
    }

    @Override
    public synchronized void output(BuildStep step, String line) {
        switch (mode) {
            case PLAIN -> err.println("#" + numbers.get(step) + " " + line);
            case TTY -> {
                endDrawn();
                err.println("    " + line);
            }
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
        } else if (mode == Mode.PLAIN || mode == Mode.TTY) {
            err.println("The push refers to repository [" + image.name() + "]");
        }
        return transfer;
    }

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
            err.println(cut(image.tagOrDigest() + ": digest: " + Table.digest(result.top().digest(), false) + " size: "
                    + result.top().size(), width));
        }
        err.flush();
    }

    /** The lines of the image written and named, as BuildKit's {@code exporting to image}. */
    synchronized void written(BuildResult result) {
        List<String> lines = new ArrayList<>();
        lines.add("writing image " + Table.digest(result.imageId(), false) + " done");
        result.names().forEach(name -> lines.add("naming to " + name + " done"));
        switch (mode) {
            case PLAIN -> {
                String prefix = "#" + (numbers.size() + 1) + " ";
                line(prefix + "exporting to image");
                lines.forEach(each -> line(prefix + each));
            }
            case TTY -> {
                endDrawn();
                err.println(" => exporting to image");
                lines.forEach(each -> err.println(cut(" => => " + each, width)));
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

    /** A step's line on a terminal, completed with its time at the right. */
    private void ended(BuildStep step, String text, String time) {
        String shown = cut(text, width - time.length() - 1);
        String line = shown + " ".repeat(Math.max(1, width - shown.length() - time.length())) + time;
        err.print(step.equals(drawn) ? "\r" + line + "\n" : line + "\n");
        err.flush();
        drawn = null;
    }

    /** Ends a step's line drawn on a terminal, so that other lines go below it. */
    private void endDrawn() {
        if (drawn != null) {
            err.println();
            drawn = null;
        }
    }

    private void line(String text) {
        err.println(cut(text, width));
        err.flush();
    }

    private void json(BuildStep step, String status, Duration took) {
        Map<String, Object> event = event(step, status);
        if (took != null) {
            event.put("milliseconds", took.toMillis());
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

    /** Seconds with one decimal, as BuildKit prints a step's time: {@code 0.1s}. */
    static String seconds(Duration took) {
        return BigDecimal.valueOf(took.toMillis()).divide(BigDecimal.valueOf(1000), 1, RoundingMode.HALF_UP)
                .toPlainString() + "s";
    }
}
