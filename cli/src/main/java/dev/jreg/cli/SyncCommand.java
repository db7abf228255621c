package dev.jreg.cli;

import dev.jreg.Jreg;
import dev.jreg.SyncOptions;
import dev.jreg.SyncResult;
import dev.jreg.SyncedImage;
import java.io.PrintWriter;
import java.nio.file.Path;
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
    private final FormatMixin format = new FormatMixin();

    @Override
    CommandModel model() {
        return CommandModel.of("sync", this,
                        "Copy the images a skopeo sync YAML file names to a registry, only those that changed.",
                        "Reads skopeo sync's YAML as it is: source registries, each with images (repository:"
                                + " tags, an empty list for all), images-by-tag-regex, tls-verify, credentials and"
                                + " cert-dir, and jreg's destination key (REGISTRY[/PREFIX] for that source). An"
                                + " image goes to DEST/NAME:TAG, NAME the last component of its repository, as"
                                + " skopeo names it. Each image costs a HEAD on each side; equal digests move"
                                + " nothing; otherwise the whole index is copied as 'jreg copy' does. A failing"
                                + " image does not stop the others: exit 10 when some failed. With"
                                + " --include-referrers (or a source's include-referrers: true) what refers to"
                                + " each image goes too, also for an image up to date: signatures, attestations"
                                + " and SBOMs the destination lacks, found by the referrers API or the sha256-HEX"
                                + " tags.")
                .footer("",
                        "Example file:",
                        "  quay.io:",
                        "    images:",
                        "      coreos/etcd: [v3.5.0, v3.5.1]",
                        "    images-by-tag-regex:",
                        "      prometheus/node-exporter: ^v1\\.[0-9]+\\.[0-9]+$",
                        "    destination: registry.internal:5000/quay",
                        "    include-referrers: true",
                        "",
                        "Examples:",
                        "  jreg sync --config mirror.yaml --dest registry.internal:5000/mirror",
                        "  jreg sync --config mirror.yaml --dest localhost:5000 --dry-run",
                        "  jreg sync --config mirror.yaml -j 8 --format json",
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
        boolean json = format.json();
        Jreg jreg = root.open(quiet);
        PrintWriter err = root.context().err();
        SyncResult result = jreg.sync(new SyncOptions(config, destination, scoped, dryRun, jobs, image -> {
            if (!quiet) {
                synchronized (err) {
                    err.println(ErrorReporter.printable(line(image)));
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
        return result.failed() ? ExitCodes.PARTIAL_FAILURE : ExitCodes.OK;
    }

    /** The line told as each image is done. */
    private static String line(SyncedImage image) {
        return switch (image.status()) {
            case COPIED -> "Copied " + image.source() + " to " + image.destination() + " (" + image.blobsCopied()
                    + " blobs, " + Sizes.human(image.bytesCopied()) + referrers(image) + ")";
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
