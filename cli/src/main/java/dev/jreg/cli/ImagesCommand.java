package dev.jreg.cli;

import dev.jreg.LocalImage;
import dev.jreg.model.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code jreg images}: list the local store like {@code docker images}. */
@Command(name = "images", aliases = "ls", mixinStandardHelpOptions = true,
        description = "List images in the local store.")
final class ImagesCommand implements Callable<Integer> {
    @ParentCommand
    private JregCommand root;

    @Option(names = "--digests", description = "Show manifest digests.")
    private boolean digests;

    @Option(names = {"-q", "--quiet"}, description = "Print only image IDs.")
    private boolean quiet;

    @Option(names = "--format", paramLabel = "table|json",
            description = "Output format: table (default) or json (one object per line, like docker).")
    private String format = "table";

    @Override
    public Integer call() throws Exception {
        if (!format.equals("table") && !format.equals("json")) {
            throw new IllegalArgumentException("--format must be table or json, not \"" + format + "\"");
        }
        List<LocalImage> images = root.open().images();
        PrintWriter out = root.context().out();
        Instant now = Instant.now();
        if (quiet) {
            images.forEach(image -> out.println(image.imageId().shortHex()));
        } else if (format.equals("json")) {
            for (LocalImage image : images) {
                out.println(json(image, now));
            }
        } else {
            printTable(out, images, now);
        }
        return ExitCodes.OK;
    }

    private void printTable(PrintWriter out, List<LocalImage> images, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(digests ? new String[] {"REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE"}
                : new String[] {"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"});
        for (LocalImage image : images) {
            String tag = image.reference().tag() != null ? image.reference().tag() : "<none>";
            String created = Sizes.ago(image.created(), now);
            String size = Sizes.human(image.size());
            String id = image.imageId().shortHex();
            String name = image.reference().familiarName();
            rows.add(digests ? new String[] {name, tag, image.manifest().digest().toString(), id, created, size}
                    : new String[] {name, tag, id, created, size});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 3) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String json(LocalImage image, Instant now) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("Repository", image.reference().familiarName());
        fields.put("Tag", image.reference().tag() != null ? image.reference().tag() : "<none>");
        fields.put("Digest", image.manifest().digest().toString());
        fields.put("ID", image.imageId().toString());
        fields.put("Reference", image.reference().toString());
        fields.put("MediaType", image.manifest().mediaType().value());
        fields.put("Platform", image.platform() != null ? image.platform().toString() : null);
        fields.put("CreatedAt", image.created());
        fields.put("CreatedSince", Sizes.ago(image.created(), now));
        fields.put("Size", image.size());
        return Json.write(fields);
    }
}
