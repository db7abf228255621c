package dev.jreg.cli;

import dev.jreg.ImageInfo;
import dev.jreg.ImageLocation;
import dev.jreg.Jreg;
import dev.jreg.error.NoMatchingPlatformException;
import dev.jreg.model.Descriptor;
import dev.jreg.model.ImageConfig;
import dev.jreg.model.Platform;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code jreg history}: an image's build steps, newest first, as {@code docker history} lists them. */
final class HistoryCommand extends Subcommand {
    /** The fields of a row, in the order of {@code --format json}: what a template may name. */
    private static final List<String> FIELDS = List.of("ID", "CreatedSince", "CreatedAt", "CreatedBy", "Size",
            "Comment");
    /** Column titles of a {@code table} template, docker's. */
    private static final Map<String, String> HEADERS = Map.of("ID", "IMAGE", "CreatedSince", "CREATED",
            "CreatedAt", "CREATED AT", "CreatedBy", "CREATED BY");
    /** Where {@code docker history} cuts a command. */
    static final int CREATED_BY_WIDTH = 45;
    /** The narrowest a cut command gets, however wide the other columns. */
    private static final int CREATED_BY_MIN = 20;
    /** The narrowest a cut comment gets. */
    private static final int COMMENT_MIN = 10;
    private static final int TERMINAL = 80;
    private static final String MISSING = "<missing>";

    private String image;
    private String platform;
    private boolean noTrunc;
    private boolean quiet;
    private boolean human;
    private final FormatMixin format = new FormatMixin(true);
    private final LocationOptions locations = new LocationOptions();

    @Override
    CommandModel model() {
        return CommandModel.of("history", this,
                        "Show an image's history: one row per build step, newest first.",
                        "IMAGE is the image ID on the newest step and <missing> on the others, as docker shows a "
                                + "pulled image. SIZE is the compressed size of the layer the step made (0B for a "
                                + "step that made none), as the registry stores it. CREATED BY is cut so that the "
                                + "table fits 80 columns (at most 45 characters, as docker cuts it) unless --no-trunc. "
                                + "Reads the registry unless --local (or a local:/oci: location) is given.")
                .footer("",
                        "Examples:",
                        "  jreg history nginx:1.24.0",
                        "  jreg history --local --no-trunc app:1",
                        "  jreg history --platform linux/arm64 --format json nginx:1.24.0",
                        "  jreg history --format '{{.Size}}\\t{{.CreatedBy}}' oci:/tmp/layout:app")
                .storedImage()
                .parameter("IMAGE", "NAME[:TAG|@DIGEST], local:NAME or oci:DIR:NAME.", v -> image = v)
                .option("--platform", "OS/ARCH[/VARIANT]",
                        "From an index, this platform's image (default: this machine's).", v -> platform = v)
                .negatableFlag("--human", "Print sizes and dates in human readable format (default: on).", true,
                        v -> human = v)
                .flag("--no-trunc", "Don't cut the output.", v -> noTrunc = v)
                .flag("-q, --quiet", "Print only the IDs.", v -> quiet = v)
                .with(format::declare)
                .with(locations::declare)
                .with(root::networkOptions);
    }

    @Override
    public Integer call() throws Exception {
        FormatTemplate template = format.template(FIELDS);
        boolean json = template == null && format.json();
        Jreg jreg = root.open();
        ImageLocation location = locations.parseImage(jreg, image);
        ImageInfo info;
        try {
            info = jreg.inspect(location, platform == null ? Platform.host() : Platform.parse(platform));
        } catch (IOException e) {
            throw location instanceof ImageLocation.Registry ? withStoredHint(jreg, e) : e;
        }
        if (platform != null && !info.manifest().mediaType().isIndex() && info.image() != null
                && info.image().artifactType() == null) {
            NoMatchingPlatformException.requireMatch(Platform.parse(platform), info.image().platform(), info.name());
        }
        List<Map<String, Object>> rows = rows(info.image(), Instant.now());
        PrintWriter out = root.context().out();
        if (quiet) {
            rows.forEach(row -> out.println(row.get("ID")));
        } else if (json) {
            // docker's --format json is {{json .}}: the fields as a template shows them.
            rows.forEach(row -> out.println(JsonOutput.write(row)));
        } else if (template != null) {
            template.print(out, rows, HEADERS);
        } else {
            printTable(out, rows);
        }
        return ExitCodes.OK;
    }

    /**
     * The registry's failure to give the image (not found, unauthorized, unreachable) with the way
     * to the store's image of that name, when the store has one: an image made by {@code commit}
     * or {@code load} is only there, and history reads the registry unless told otherwise.
     */
    private IOException withStoredHint(Jreg jreg, IOException failure) {
        int code = ExitCodes.of(failure);
        if (code != ExitCodes.NOT_FOUND && code != ExitCodes.UNAUTHORIZED && code != ExitCodes.NETWORK) {
            return failure;
        }
        try {
            jreg.localImage(image);
        } catch (IOException | IllegalArgumentException notStored) {
            return failure;
        }
        return new HintedException(failure, "the store has " + image + ": jreg history --local " + image);
    }

    /**
     * One row per step, newest first, as docker's fields show it: {@code CreatedBy} whole, times in
     * RFC 3339 to the second, {@code Size} human or in bytes, as text.
     */
    private List<Map<String, Object>> rows(ImageInfo.Image image, Instant now) {
        List<ImageConfig.History> steps = image.config().history();
        List<Descriptor> made = image.historyLayers();
        String id = noTrunc ? image.configDescriptor().digest().toString() : image.configDescriptor().digest().shortHex();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = steps.size() - 1; i >= 0; i--) {
            ImageConfig.History step = steps.get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("ID", i == steps.size() - 1 ? id : MISSING);
            row.put("CreatedSince", human ? Sizes.ago(step.created(), now) : Sizes.rfc3339(step.created()));
            row.put("CreatedAt", Sizes.rfc3339(step.created()));
            row.put("CreatedBy", step.createdBy() == null ? "" : step.createdBy());
            row.put("Size", size(made.get(i) == null ? 0L : made.get(i).size()));
            row.put("Comment", step.comment() == null ? "" : step.comment());
            rows.add(row);
        }
        return rows;
    }

    private String size(long bytes) {
        return human ? Sizes.human(bytes) : Long.toString(bytes);
    }

    /**
     * docker's table, cut to 80 columns unless {@code --no-trunc}: a command gets up to docker's 45
     * characters, a comment (last, mostly {@code buildkit.dockerfile.v0}) what is left, at least
     * {@value #COMMENT_MIN}, and a command never fewer than {@value #CREATED_BY_MIN}.
     */
    private void printTable(PrintWriter out, List<Map<String, Object>> rows) {
        int id = "IMAGE".length();
        int created = "CREATED".length();
        int size = "SIZE".length();
        int comment = "COMMENT".length();
        int command = "CREATED BY".length();
        for (Map<String, Object> row : rows) {
            id = Math.max(id, row.get("ID").toString().length());
            created = Math.max(created, String.valueOf(row.get("CreatedSince")).length());
            size = Math.max(size, row.get("Size").toString().length());
            comment = Math.max(comment, oneLine(row.get("Comment").toString()).length());
            command = Math.max(command, oneLine(row.get("CreatedBy").toString()).length());
        }
        int room = TERMINAL - id - created - size - 4 * 3;
        int commandWidth = Math.min(command, Math.max(CREATED_BY_MIN,
                Math.min(CREATED_BY_WIDTH, room - Math.min(comment, COMMENT_MIN))));
        int commentWidth = Math.max(COMMENT_MIN, room - commandWidth);
        Table table = new Table("IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT");
        for (Map<String, Object> row : rows) {
            table.row(row.get("ID").toString(), String.valueOf(row.get("CreatedSince")),
                    cut(row.get("CreatedBy").toString(), commandWidth, noTrunc), row.get("Size").toString(),
                    cut(row.get("Comment").toString(), commentWidth, noTrunc));
        }
        table.print(out, "");
    }

    /**
     * A step's command or comment on one line, cut to {@code width} characters (the last an
     * ellipsis) unless {@code whole}; empty when the step has none.
     */
    static String cut(String text, int width, boolean whole) {
        String line = text == null ? "" : oneLine(text);
        return whole || line.length() <= width ? line : line.substring(0, width - 1) + "…";
    }

    /** Tabs, newlines and runs of blanks as one space, so that a row stays one line. */
    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }
}
