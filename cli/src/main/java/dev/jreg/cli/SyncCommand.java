package dev.jreg.cli;

import dev.jreg.Jreg;
import dev.jreg.SyncOptions;
import dev.jreg.SyncResult;
import dev.jreg.SyncedImage;
import dev.jreg.model.GoDuration;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code jreg sync}: keep the images a skopeo sync YAML file names in step at a destination registry. */
final class SyncCommand extends Subcommand {
    private Path config;
    private String destination;
    private boolean scoped;
    private boolean dryRun;
    private boolean includeReferrers;
    private int jobs = SyncOptions.DEFAULT_CONCURRENCY;
    private boolean quiet;
    private Duration interval;
    private final FormatMixin format = new FormatMixin();

    @Override
    CommandModel model() {
        return CommandModel.of("sync", this,
                        "Copy the images a skopeo sync YAML file names to a registry, only those that changed.",
                        "Reads skopeo sync's YAML as it is: source registries, each with images (repository:"
                                + " tags, an empty list for all), images-by-tag-regex (repository: pattern),"
                                + " images-by-semver (repository: Masterminds/semver constraint such as"
                                + " \">= 1.2, < 2\" or \"~1.4 || ^2\"; tags that are no version are left out,"
                                + " pre-releases unless the constraint names one), tls-verify, credentials and"
                                + " cert-dir. jreg's keys per source: destination (REGISTRY[/PREFIX]); tags, a"
                                + " filter of every repository's chosen tags: allow and deny (lists of"
                                + " expressions found in the tag), semver (a constraint), newest (keep the N"
                                + " highest versions); platforms (a list: an index is copied as a new index of"
                                + " just those, as 'jreg copy --platform' does); all-tags (true: every tag of"
                                + " each images repository, its list ignored, as skopeo's empty list does for"
                                + " one); concurrency (at most N images of that source at once, within -j)."
                                + " Tags left out are counted as skipped. An image goes to DEST/NAME:TAG, NAME"
                                + " the last component of its repository, as skopeo names it. Each image"
                                + " costs a HEAD on each side (with platforms, a read of the source index);"
                                + " equal digests move nothing; otherwise the image is copied as 'jreg copy'"
                                + " does. A failing image does not stop the others: exit 10 when some failed."
                                + " When a source registry's pull limit (its RateLimit-Remaining header) runs"
                                + " low, no new manifest GET starts there until the budget is back"
                                + " (RateLimit-Reset, else its window); the wait is told once on stderr. With"
                                + " --include-referrers (or a source's include-referrers: true) what refers to"
                                + " each image goes too, also for an image up to date: signatures, attestations"
                                + " and SBOMs the destination lacks, found by the referrers API or the sha256-HEX"
                                + " tags."
                                + " With --interval the sync runs again DURATION after each run ends, each"
                                + " printing its summary, until Ctrl-C or kill stops it (exit 130 or 143, as"
                                + " any command stopped; the tag is written last, so the next run copies what"
                                + " one stopped part-way left).")
                .footer("",
                        "Example file:",
                        "  quay.io:",
                        "    images:",
                        "      coreos/etcd: [v3.5.0, v3.5.1]",
                        "    images-by-tag-regex:",
                        "      prometheus/node-exporter: ^v1\\.[0-9]+\\.[0-9]+$",
                        "    images-by-semver:",
                        "      prometheus/prometheus: \">= 2.50, < 3\"",
                        "    tags:",
                        "      deny: [\"-rc\", \"^sha256-\"]",
                        "      newest: 3",
                        "    platforms: [linux/amd64, linux/arm64]",
                        "    destination: registry.internal:5000/quay",
                        "    concurrency: 2",
                        "    include-referrers: true",
                        "",
                        "Examples:",
                        "  jreg sync --config mirror.yaml --dest registry.internal:5000/mirror",
                        "  jreg sync --config mirror.yaml --dest localhost:5000 --dry-run",
                        "  jreg sync --config mirror.yaml -j 8 --format json",
                        "  jreg sync --config mirror.yaml --interval 6h -q",
                        "  jreg sync --config mirror.yaml --dest localhost:5000 --include-referrers")
                .option("--config", "FILE", "The skopeo sync YAML file (required).", Path.class, v -> config = v)
                .option("--dest", "REGISTRY[/PREFIX]", "Where images go, for sources without a destination key.",
                        String.class, v -> destination = v)
                .flag("--scoped", "Name images DEST/REGISTRY/REPOSITORY, as skopeo sync --scoped.", v -> scoped = v)
                .flag("--dry-run", "Compare both sides and list what would be copied; write nothing.", v -> dryRun = v)
                .flag("--include-referrers", "Copy what refers to each image too (signatures, attestations, SBOMs).",
                        v -> includeReferrers = v)
                .option("-j, --jobs", "N", "Images copied at once (default: " + jobs + ").", Integer.class,
                        v -> jobs = v)
                .with(format::declare)
                .flag("-q, --quiet", "Print only the summary, no line per image.", v -> quiet = v)
                .option("--interval", "DURATION", "Run again DURATION (30s, 15m, 6h, 1h30m; at least 1s)"
                        + " after each run, until stopped; a run's failures do not stop the next.", Duration.class,
                        SyncCommand::interval, v -> interval = v)
                .with(root::networkOptions);
    }

    @Override
    public Integer call() throws Exception {
        if (config == null) {
            throw new IllegalArgumentException("sync needs --config FILE");
        }
        if (jobs < 1) {
            throw new IllegalArgumentException("--jobs must be at least 1");
        }
        Jreg jreg = root.open(quiet);
        if (interval == null) {
            return run(jreg);
        }
        PrintWriter err = root.context().err();
        for (int runs = 1;; runs++) {
            try {
                run(jreg);
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                if (runs == 1) {
                    throw e; // a file jreg cannot read is a usage error, not a run that failed
                }
                err.println("jreg: " + ErrorReporter.printable(ErrorReporter.message(e)));
            } catch (IOException | RuntimeException e) {
                err.println("jreg: " + ErrorReporter.printable(ErrorReporter.message(e)));
            }
            err.println("Next run in " + (interval.toHours() > 0 ? interval.toHours() + "h" : "")
                    + (interval.toMinutesPart() > 0 ? interval.toMinutesPart() + "m" : "")
                    + (interval.toSecondsPart() > 0 ? interval.toSecondsPart() + "s" : ""));
            err.flush();
            Thread.sleep(interval.toMillis());
        }
    }

    /** {@code --interval}'s value: a Go duration of at least a second. */
    private static Duration interval(String text) {
        Duration duration;
        try {
            duration = GoDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.TypeConversionException(e.getMessage());
        }
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new picocli.CommandLine.TypeConversionException("at least 1s, not " + text);
        }
        return duration;
    }

    /** One sync: a line per image on stderr, the table and totals on stdout; the exit code. */
    private int run(Jreg jreg) throws IOException {
        boolean json = format.json();
        PrintWriter err = root.context().err();
        // On a terminal each image's line is cut to the width; the summary on stdout keeps it whole.
        int width = root.context().terminal() ? BuildOutput.width(root.context().env().get("COLUMNS"))
                : Integer.MAX_VALUE;
        SyncResult result = jreg.sync(new SyncOptions(config, destination, scoped, dryRun, jobs, image -> {
            if (!quiet) {
                synchronized (err) {
                    err.println(BuildOutput.cut(ErrorReporter.printable(line(image)), width));
                    err.flush();
                }
            }
        }, includeReferrers));
        PrintWriter out = root.context().out();
        if (json) {
            out.println(JsonOutput.write(toJson(result)));
        } else {
            Table table = new Table("IMAGE", "STATUS", "DIGEST");
            for (SyncedImage image : result.images()) {
                table.row(image.source(), status(image.status()),
                        image.digest() == null ? "-" : Table.digest(image.digest(), false));
            }
            table.print(out, "");
            result.images().stream().filter(i -> i.status() == SyncedImage.Status.FAILED)
                    .forEach(i -> out.println(ErrorReporter.printable(i.source() + ": " + i.reason())));
            out.println(totals(result));
        }
        out.flush();
        return result.failed() ? ExitCodes.PARTIAL_FAILURE : ExitCodes.OK;
    }

    /** The line told as each image is done. */
    private static String line(SyncedImage image) {
        return switch (image.status()) {
            case COPIED -> "Copied " + image.source() + " to " + image.destination() + " (" + image.blobsCopied()
                    + (image.blobsCopied() == 1 ? " blob, " : " blobs, ") + Sizes.human(image.bytesCopied())
                    + (image.blobsMounted() > 0 ? ", " + image.blobsMounted() + " mounted" : "") + referrers(image) + ")";
            case UP_TO_DATE -> "Up to date: " + image.destination()
                    + (image.referrersCopied() > 0 ? " (" + referrers(image).substring(2) + ")" : "");
            case WOULD_COPY -> "Would copy " + image.source() + " to " + image.destination();
            case FAILED -> "Failed: " + image.source() + ": " + image.reason();
        };
    }

    /** {@code ", N referrers"}, or nothing when none were copied. */
    private static String referrers(SyncedImage image) {
        int n = image.referrersCopied();
        return n == 0 ? "" : ", " + n + (n == 1 ? " referrer" : " referrers");
    }

    private static String status(SyncedImage.Status status) {
        return status.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static String totals(SyncResult result) {
        StringBuilder line = new StringBuilder();
        for (SyncedImage.Status status : SyncedImage.Status.values()) {
            long n = result.count(status);
            if (n > 0 || status != SyncedImage.Status.WOULD_COPY) {
                line.append(line.length() > 0 ? ", " : "").append(n).append(' ').append(status(status));
            }
        }
        return line.append(", ").append(result.skipped()).append(" skipped").toString();
    }

    private static Map<String, Object> toJson(SyncResult result) {
        Map<String, Object> totals = new LinkedHashMap<>();
        for (SyncedImage.Status status : SyncedImage.Status.values()) {
            totals.put(status(status).replace(' ', '-'), result.count(status));
        }
        totals.put("skipped", (long) result.skipped());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("images", result.images().stream().map(image -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("source", image.source());
            row.put("destination", image.destination());
            row.put("status", status(image.status()).replace(' ', '-'));
            row.put("digest", image.digest() == null ? null : image.digest().toString());
            row.put("reason", image.reason());
            row.put("blobsCopied", image.blobsCopied());
            row.put("blobsMounted", image.blobsMounted());
            row.put("bytesCopied", image.bytesCopied());
            row.put("referrersCopied", image.referrersCopied());
            return row;
        }).toList());
        json.put("totals", totals);
        return json;
    }
}
