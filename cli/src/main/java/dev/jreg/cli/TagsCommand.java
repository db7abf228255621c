package dev.jreg.cli;

import dev.jreg.ImageLocation;
import dev.jreg.Jreg;
import dev.jreg.TagDetail;
import dev.jreg.model.Platform;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** {@code jreg tags}: a repository's tags, with {@code --details} their digests, platforms and sizes. */
final class TagsCommand extends Subcommand {
    /** The terminal width rows are cut to, unless --no-trunc. */
    private static final int TERMINAL = 80;
    /** The narrowest the platform list is cut to, however wide the other columns. */
    private static final int PLATFORMS_MIN = 11;
    private String repository;
    private int limit;
    private boolean details;
    private boolean noTrunc;
    private int jobs = 8;
    private final FormatMixin format = new FormatMixin();
    private final LocationOptions locations = new LocationOptions();

    @Override
    CommandModel model() {
        return CommandModel.of("tags", this,
                        "List the tags of a repository, following the registry's pagination.",
                        "--details adds digest, platforms, compressed size and creation time per tag, in one run: tags"
                                + " are resolved with HEAD and each distinct digest is fetched once. SIZE is the"
                                + " compressed size of the config and layers (of an index's images, each blob once,"
                                + " attestations left out), as registries and 'docker manifest inspect' count it and"
                                + " 'jreg images' shows it.")
                .footer("",
                        "Examples:",
                        "  jreg tags nginx",
                        "  jreg tags --details --limit 20 localhost:5000/app")
                .parameter("REPOSITORY", "A repository (a tag, if given, is ignored).", v -> repository = v)
                .option("--limit", "N", "At most N tags.", Integer.class, v -> limit = v)
                .flag("-d, --details",
                        "Show digest, platforms, size and creation time of each tag.", v -> details = v)
                .flag("--no-trunc", "With --details, show digests and platform lists whole.", v -> noTrunc = v)
                .option("-j, --jobs", "N", "Requests at once with --details (default: " + jobs + ").",
                        Integer.class, v -> jobs = v)
                .with(format::declare)
                .with(locations::declare)
                .with(root::networkOptions);
    }

    @Override
    public Integer call() throws Exception {
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must not be negative");
        }
        if (jobs < 1) {
            throw new IllegalArgumentException("--jobs must be at least 1");
        }
        ImageLocation location = locations.parse(repository);
        boolean json = format.json();
        Jreg jreg = root.open();
        CliContext context = root.context();
        if (!details) {
            List<String> tags = jreg.tags(location, limit);
            if (json) {
                Map<String, Object> listing = new LinkedHashMap<>();
                listing.put("name", location.repositoryName());
                listing.put("tags", tags);
                context.out().println(JsonOutput.write(listing));
            } else {
                // A layout's names may hold anything: no escape sequence reaches the terminal.
                tags.forEach(tag -> context.out().println(ErrorReporter.printable(tag)));
            }
            return ExitCodes.OK;
        }
        List<TagDetail> rows = jreg.tagDetails(location, jobs);
        rows = rows.subList(0, limit > 0 ? Math.min(limit, rows.size()) : rows.size());
        // Tags that could not be read are rows that say why; the command then exits 1.
        int code = rows.stream().anyMatch(row -> row.error() != null) ? ExitCodes.FAILURE : ExitCodes.OK;
        if (json) {
            context.out().println(JsonOutput.write(rows.stream().map(TagsCommand::toJson).toList()));
            return code;
        }
        Table table = new Table("TAG", "DIGEST", "PLATFORMS", "SIZE", "CREATED");
        Instant now = Instant.now();
        int others = 4 * 3 + rows.stream().filter(row -> row.error() == null)
                .mapToInt(row -> row.tag().length() + digest(row).length() + Sizes.human(row.size()).length()
                        + Sizes.ago(row.created(), now).length()).max().orElse(0);
        int room = noTrunc ? Integer.MAX_VALUE : Math.max(PLATFORMS_MIN, TERMINAL - others);
        for (TagDetail row : rows) {
            if (row.error() != null) {
                // After the columns, which keep the widths of the rows that could be read.
                table.row(row.tag(), digest(row), "-", "-", "-", "error: " + row.error());
            } else {
                table.row(row.tag(), digest(row), platforms(row, room), Sizes.human(row.size()),
                        Sizes.ago(row.created(), now));
            }
        }
        table.print(context.out(), "");
        return code;
    }

    private String digest(TagDetail row) {
        return row.manifest() == null ? "-" : Table.digest(row.manifest().digest(), noTrunc);
    }

    /**
     * Platforms, then artifact types, then how many attestations ride along:
     * {@code linux/amd64,linux/arm64 +2 attestations}; cut to {@code width} characters as
     * {@code linux/amd64,linux/arm64 +3 more}, or at the narrowest {@code 5 platforms}, attestations
     * no longer counted, when longer.
     */
    private static String platforms(TagDetail row, int width) {
        List<String> kinds = Stream.concat(row.platforms().stream().map(Platform::toString),
                row.artifactTypes().stream()).toList();
        String attestations = row.attestations() == 0 ? ""
                : " +" + row.attestations() + (row.attestations() == 1 ? " attestation" : " attestations");
        String all = (kinds.isEmpty() ? "-" : String.join(",", kinds)) + attestations;
        // One kind is shown whole, however long: a count of one says nothing.
        for (int shown = kinds.size() - 1; all.length() > width && shown >= 0 && kinds.size() > 1; shown--) {
            all = shown > 0 ? String.join(",", kinds.subList(0, shown)) + " +" + (kinds.size() - shown) + " more"
                    : kinds.size() + (row.artifactTypes().isEmpty() ? " platforms"
                            : row.platforms().isEmpty() ? " artifact types" : " platforms and types");
        }
        return all;
    }

    private static Map<String, Object> toJson(TagDetail row) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tag", row.tag());
        m.put("digest", row.manifest() == null ? null : row.manifest().digest().toString());
        m.put("mediaType", row.manifest() == null ? null : row.manifest().mediaType().value());
        m.put("platforms", row.platforms().stream().map(Platform::toString).toList());
        m.put("artifactTypes", row.artifactTypes());
        m.put("attestations", row.attestations());
        m.put("size", row.size());
        m.put("created", row.created());
        m.put("error", row.error());
        return m;
    }
}
