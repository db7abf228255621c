package dev.jreg.cli;

import dev.jreg.CopyListener;
import dev.jreg.model.Descriptor;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Reference;
import java.io.PrintWriter;
import java.util.Comparator;
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
 *
 * <p>Redrawing in place works only while the redrawn block fits the screen: a line that wraps, or
 * a block taller than the screen, leaves a copy of itself in the scrollback at every redraw. So each
 * line is cut to the width, finished layers at the top of the block are printed once and left
 * behind, and when the rest is still taller than the screen, finished and then waiting layers give
 * way to one line that counts them.
 */
final class LayerProgress implements CopyListener, AutoCloseable {
    /**
     * The words of one command, as docker prints them.
     *
     * @param waiting before anything happens to a layer
     * @param exists the destination had it
     * @param active while bytes move
     * @param done when it is stored
     * @param next what the next run does after this one was interrupted
     */
    record Verbs(String waiting, String exists, String active, String done, String next) {
        static final Verbs PULL = new Verbs("Pulling fs layer", "Already exists", "Downloading", "Pull complete",
                "the next pull resumes where this one stopped");
        static final Verbs PUSH = new Verbs("Preparing", "Layer already exists", "Pushing", "Pushed",
                "the next push skips the layers already pushed");
        static final Verbs COPY = new Verbs("Preparing", "Layer already exists", "Copying", "Copied",
                "the next copy skips the blobs already copied");
    }

    private static final long TERMINAL_REFRESH_MS = 100;
    private static final long PLAIN_REFRESH_MS = 10_000;
    private static final int BAR_WIDTH = 50;
    /** A bar narrower than this says too little to be worth its columns. */
    private static final int MIN_BAR_WIDTH = 10;
    /** The terminal's size when nothing says otherwise. */
    static final int DEFAULT_COLUMNS = 80;
    static final int DEFAULT_ROWS = 24;

    private final PrintWriter err;
    private final boolean terminal;
    private final int columns;
    private final int rows;
    private final Verbs verbs;
    private final Map<String, Line> lines = new LinkedHashMap<>();
    private final boolean shown;
    private final ScheduledExecutorService ticker;
    /** Lines of the block below the cursor's row at the last redraw, the count line included. */
    private int drawn;
    /** Layers, from the top, printed in their final state and never redrawn. */
    private int kept;
    private boolean closed;
    private String heading;
    /** Stopped as it was, the process ending: nothing more is printed. */
    private boolean frozen;

    private static final class Line {
        final Descriptor layer;
        String status;
        long done;
        boolean active;
        boolean finished;

        Line(Descriptor layer, String status) {
            this.layer = layer;
            this.status = status;
        }

        /** Which lines give way first when the block is too tall: finished, then waiting ones. */
        int rank() {
            return active ? 0 : finished ? 2 : 1;
        }
    }

    /**
     * @param columns the terminal's width, in characters
     * @param rows the terminal's height, in lines
     */
    LayerProgress(PrintWriter err, boolean terminal, int columns, int rows, Verbs verbs, boolean shown) {
        this.err = err;
        this.terminal = terminal;
        this.columns = columns;
        this.rows = rows;
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
     * Progress on the command's stderr, or a silent listener with {@code -q}. A terminal's size
     * comes from {@code COLUMNS} and {@code LINES} (the launcher sets them from the terminal);
     * {@code TERM=dumb} gets plain lines.
     */
    static LayerProgress of(CliContext context, boolean quiet, Verbs verbs) {
        boolean redraw = context.terminal() && !"dumb".equals(context.env().get("TERM"));
        return new LayerProgress(context.err(), redraw, size(context.env().get("COLUMNS"), 20, DEFAULT_COLUMNS),
                size(context.env().get("LINES"), 4, DEFAULT_ROWS), verbs, !quiet);
    }

    private static int size(String value, int least, int otherwise) {
        try {
            int size = value == null ? otherwise : Integer.parseInt(value.strip());
            return size >= least ? size : otherwise;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** A line printed once the source has named the image, before the layers' lines. */
    synchronized void heading(String line) {
        heading = line;
    }

    @Override
    public synchronized void resolved(ManifestBlob top) {
        if (shown && heading != null) {
            err.println(heading);
            err.flush();
            heading = null;
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
            redraw(false);
        }
    }

    @Override
    public synchronized void blobSkipped(Descriptor blob) {
        stop(blob, verbs.exists(), true);
    }

    @Override
    public synchronized void blobMounted(Descriptor blob, Reference from) {
        stop(blob, "Mounted from " + from.repository(), true);
    }

    @Override
    public synchronized void blobStarted(Descriptor blob) {
        Line line = lines.get(blob.digest().toString());
        if (line != null) {
            line.active = true;
            line.status = verbs.active();
        }
    }

    /** docker's word while another process downloads the same layer into the store. */
    @Override
    public synchronized void blobWaiting(Descriptor blob) {
        stop(blob, "Waiting for another jreg process", false);
    }

    @Override
    public synchronized void blobProgress(Descriptor blob, long bytesDone) {
        Line line = lines.get(blob.digest().toString());
        if (line != null) {
            line.done = bytesDone;
            if (!line.active && !line.finished) {
                blobStarted(blob); // the process it waited for left the blob unfinished
            }
        }
    }

    @Override
    public synchronized void blobDone(Descriptor blob) {
        stop(blob, verbs.done(), true);
    }

    /** A layer no longer moving: {@code finished}, or waiting for another process. */
    private void stop(Descriptor blob, String status, boolean finished) {
        Line line = lines.get(blob.digest().toString());
        if (line == null) {
            return;
        }
        line.status = status;
        line.active = false;
        line.finished |= finished;
        show(line);
    }

    /** A line's new state: the block redrawn on a terminal, else one plain line. */
    private void show(Line line) {
        if (frozen) {
            return;
        }
        if (terminal) {
            redraw(false);
        } else {
            err.println(line.layer.digest().shortHex() + ": " + line.status);
            err.flush();
        }
    }

    /**
     * Prints a line that is not a layer's (a warning, a retry) on stderr. On a terminal it goes
     * above the layer block, which is then drawn again below it: printed into the block, it would be
     * drawn over at the next redraw, and if it wrapped the block would be redrawn too low.
     */
    synchronized void print(String line) {
        if (terminal && !closed && drawn > 0) {
            err.print("\033[" + drawn + "A\r\033[J" + line + "\n");
            drawn = 0;
            redraw(false);
        } else {
            err.println(line);
            err.flush();
        }
    }

    synchronized void tick() {
        if (closed) {
            return; // a tick that waited for close() must not draw after it
        }
        if (terminal) {
            redraw(false);
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

    /**
     * Moves up over the block drawn last and draws it anew, then clears what a taller block left
     * below. With {@code last}, every layer left is printed in full, as nothing will redraw it.
     */
    private void redraw(boolean last) {
        if (frozen) {
            return;
        }
        StringBuilder out = new StringBuilder();
        if (drawn > 0) {
            out.append("\033[").append(drawn).append('A');
        }
        List<Line> all = List.copyOf(lines.values());
        while (kept < all.size() && all.get(kept).finished) {
            out.append("\r\033[2K").append(fitted(all.get(kept++))).append('\n');
        }
        List<Line> block = all.subList(kept, all.size());
        // One row stays free for the cursor: a block as tall as the screen scrolls by one line.
        int room = rows - 1;
        if (last || block.size() <= room) {
            block.forEach(line -> out.append("\r\033[2K").append(fitted(line)).append('\n'));
            drawn = last ? 0 : block.size();
        } else {
            List<Line> shown = block.stream().sorted(Comparator.comparingInt(Line::rank)).limit(room - 1L).toList();
            block.stream().filter(shown::contains)
                    .forEach(line -> out.append("\r\033[2K").append(fitted(line)).append('\n'));
            long waiting = block.stream().filter(line -> !shown.contains(line) && !line.finished).count();
            long finished = block.size() - shown.size() - waiting;
            out.append("\r\033[2K").append(cut("+ " + (block.size() - shown.size()) + " more layers: " + waiting
                    + " waiting, " + finished + " complete")).append('\n');
            drawn = room;
        }
        err.print(out.append("\033[J"));
        err.flush();
    }

    /**
     * A layer's line, shorter than the terminal is wide: a line that wraps leaves a copy behind at
     * every redraw. Narrower than the full bar needs, the bar shrinks, then goes while the sizes
     * stay; the last resort is to cut.
     */
    private String fitted(Line line) {
        String head = line.layer.digest().shortHex() + ": " + line.status;
        if (!line.active) {
            return cut(head);
        }
        String sizes = Sizes.human(line.done) + "/" + Sizes.human(line.layer.size());
        // The line is head, space, [bar], space, sizes, and one column stays free.
        int room = Math.min(BAR_WIDTH, columns - 1 - head.length() - sizes.length() - 4);
        return room >= MIN_BAR_WIDTH ? head + " " + bar(line.done, line.layer.size(), room) + " " + sizes
                : cut(head + " " + sizes);
    }

    private String cut(String text) {
        return text.length() < columns ? text : text.substring(0, columns - 1);
    }

    private static String bar(long done, long total, int width) {
        int filled = total <= 0 ? 0 : (int) Math.min(width, done * width / total);
        StringBuilder bar = new StringBuilder("[");
        for (int i = 0; i < width; i++) {
            bar.append(i < filled - 1 ? '=' : i == filled - 1 ? '>' : ' ');
        }
        return bar.append(']').toString();
    }

    /**
     * Stops for good, leaving what was drawn as it is, the cursor below it: the process is ending
     * (Ctrl-C), and a last redraw would print every layer again.
     */
    synchronized void freeze() {
        if (shown) {
            ticker.shutdownNow();
            closed = true;
            frozen = true;
        }
    }

    @Override
    public synchronized void close() {
        if (!shown || frozen) {
            return;
        }
        ticker.shutdownNow();
        closed = true;
        if (terminal && !lines.isEmpty()) {
            redraw(true);
        }
    }
}
