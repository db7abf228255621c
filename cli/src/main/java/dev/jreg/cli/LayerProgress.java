package dev.jreg.cli;

import dev.jreg.copy.CopyListener;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Reference;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * docker-style per-layer lines on stderr, for pull, push and copy. On a terminal the layer lines
 * are redrawn in place with progress bars; otherwise each state change is one plain line, plus a
 * progress line per active layer every few seconds so CI logs show a long transfer is alive.
 */
final class LayerProgress implements CopyListener, AutoCloseable {
    /**
     * The words of one command, as docker prints them.
     *
     * @param waiting before anything happens to a layer
     * @param exists the destination had it
     * @param active while bytes move
     * @param done when it is stored
     */
    record Verbs(String waiting, String exists, String active, String done) {
        static final Verbs PULL = new Verbs("Pulling fs layer", "Already exists", "Downloading", "Pull complete");
        static final Verbs PUSH = new Verbs("Preparing", "Layer already exists", "Pushing", "Pushed");
        static final Verbs COPY = new Verbs("Preparing", "Layer already exists", "Copying", "Copied");
    }

    private static final long TERMINAL_REFRESH_MS = 100;
    private static final long PLAIN_REFRESH_MS = 10_000;
    private static final int BAR_WIDTH = 50;
    /** The terminal's width when nothing says otherwise. */
    static final int DEFAULT_COLUMNS = 80;

    private final PrintWriter err;
    private final boolean terminal;
    private final int columns;
    private final Verbs verbs;
    private final Map<String, Line> lines = new LinkedHashMap<>();
    private final boolean shown;
    private final ScheduledExecutorService ticker;
    private int drawn;

    private static final class Line {
        final Descriptor layer;
        String status;
        long done;
        boolean active;

        Line(Descriptor layer, String status) {
            this.layer = layer;
            this.status = status;
        }
    }

    LayerProgress(PrintWriter err, boolean terminal, int columns, Verbs verbs, boolean shown) {
        this.err = err;
        this.terminal = terminal;
        this.columns = columns;
        this.verbs = verbs;
        this.shown = shown;
        this.ticker = shown ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jreg-progress");
            t.setDaemon(true);
            return t;
        }) : null;
        if (shown) {
            long period = terminal ? TERMINAL_REFRESH_MS : PLAIN_REFRESH_MS;
            ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Progress on the command's stderr, or a silent listener with {@code -q}. A terminal's width
     * comes from {@code COLUMNS} (the launcher sets it from the terminal); {@code TERM=dumb} gets
     * plain lines.
     */
    static LayerProgress of(CliContext context, boolean quiet, Verbs verbs) {
        boolean redraw = context.terminal() && !"dumb".equals(context.env().get("TERM"));
        return new LayerProgress(context.err(), redraw, columns(context.env().get("COLUMNS")), verbs, !quiet);
    }

    private static int columns(String value) {
        try {
            int columns = value == null ? DEFAULT_COLUMNS : Integer.parseInt(value.strip());
            return columns >= 20 ? columns : DEFAULT_COLUMNS;
        } catch (NumberFormatException e) {
            return DEFAULT_COLUMNS;
        }
    }

    @Override
    public synchronized void planned(List<Descriptor> layers) {
        if (!shown) {
            return;
        }
        for (Descriptor layer : layers) {
            lines.put(layer.digest().toString(), new Line(layer, verbs.waiting()));
        }
        if (terminal) {
            redraw();
        }
    }

    @Override
    public synchronized void blobSkipped(Descriptor blob) {
        update(blob, verbs.exists(), false);
    }

    @Override
    public synchronized void blobMounted(Descriptor blob, Reference from) {
        update(blob, "Mounted from " + from.repository(), false);
    }

    @Override
    public synchronized void blobStarted(Descriptor blob) {
        Line line = lines.get(blob.digest().toString());
        if (line != null) {
            line.active = true;
            line.status = verbs.active();
        }
    }

    @Override
    public synchronized void blobProgress(Descriptor blob, long bytesDone) {
        Line line = lines.get(blob.digest().toString());
        if (line != null) {
            line.done = bytesDone;
        }
    }

    @Override
    public synchronized void blobDone(Descriptor blob) {
        update(blob, verbs.done(), false);
    }

    private void update(Descriptor blob, String status, boolean active) {
        Line line = lines.get(blob.digest().toString());
        if (line == null) {
            return;
        }
        line.status = status;
        line.active = active;
        if (terminal) {
            redraw();
        } else {
            err.println(line.layer.digest().shortHex() + ": " + status);
            err.flush();
        }
    }

    private synchronized void tick() {
        if (terminal) {
            redraw();
            return;
        }
        for (Line line : lines.values()) {
            if (line.active) {
                err.println(line.layer.digest().shortHex() + ": " + verbs.active() + " " + Sizes.human(line.done) + "/"
                        + Sizes.human(line.layer.size()));
            }
        }
        err.flush();
    }

    private void redraw() {
        StringBuilder out = new StringBuilder();
        if (drawn > 0) {
            out.append("\033[").append(drawn).append('A');
        }
        for (Line line : lines.values()) {
            out.append("\r\033[2K").append(fitted(line)).append('\n');
        }
        drawn = lines.size();
        err.print(out);
        err.flush();
    }

    /**
     * A layer's line, shorter than the terminal is wide: a line that wraps leaves a copy behind at
     * every redraw. Narrower than the full bar needs, the bar goes and the sizes stay, as docker
     * does; the last resort is to cut.
     */
    private String fitted(Line line) {
        String head = line.layer.digest().shortHex() + ": " + line.status;
        if (!line.active) {
            return cut(head);
        }
        String sizes = Sizes.human(line.done) + "/" + Sizes.human(line.layer.size());
        String full = head + " " + bar(line.done, line.layer.size()) + " " + sizes;
        return full.length() < columns ? full : cut(head + " " + sizes);
    }

    private String cut(String text) {
        return text.length() < columns ? text : text.substring(0, columns - 1);
    }

    private static String bar(long done, long total) {
        int filled = total <= 0 ? 0 : (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
        StringBuilder bar = new StringBuilder("[");
        for (int i = 0; i < BAR_WIDTH; i++) {
            bar.append(i < filled - 1 ? '=' : i == filled - 1 ? '>' : ' ');
        }
        return bar.append(']').toString();
    }

    @Override
    public synchronized void close() {
        if (!shown) {
            return;
        }
        ticker.shutdownNow();
        if (terminal && !lines.isEmpty()) {
            redraw();
        }
    }
}
