package dev.jreg.cli;

import dev.jreg.Jreg;
import dev.jreg.LocalImage;
import dev.jreg.model.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jreg images}: list the local store like {@code docker images}. */
final class ImagesCommand implements Callable<Integer> {
    private final JregCommand root;
    private boolean digests;
    private boolean quiet;
    private final FormatMixin format = new FormatMixin();
    private boolean total;

    private ImagesCommand(JregCommand root) {
        this.root = root;
    }

    static CommandSpec spec(JregCommand root) {
        ImagesCommand command = new ImagesCommand(root);
        return CommandModel.of("images", command,
                        "List images in the local store.",
                        "--format json prints one object per line, like docker.")
                .aliases("ls")
                .flag("--digests", "Show manifest digests.", v -> command.digests = v)
                .flag("-q, --quiet", "Print only image IDs.", v -> command.quiet = v)
                .with(command.format::declare)
                .negatableFlag("--total",
                        "End the table with the space all images take, shared layers counted once (default: on).",
                        true, v -> command.total = v)
                .spec();
    }

    @Override
    public Integer call() throws Exception {
        boolean json = format.json();
        Jreg jreg = root.open();
        List<LocalImage> images = jreg.images();
        PrintWriter out = root.context().out();
        Instant now = Instant.now();
        if (quiet) {
            images.forEach(image -> out.println(image.imageId().shortHex()));
        } else if (json) {
            for (LocalImage image : images) {
                out.println(json(image, now));
            }
        } else {
            printTable(out, images, now);
            if (total && !images.isEmpty()) {
                out.println("Total: " + images.size() + (images.size() == 1 ? " image, " : " images, ")
                        + Sizes.human(jreg.storeSize()) + " on disk (shared layers counted once)");
            }
        }
        return ExitCodes.OK;
    }

    private void printTable(PrintWriter out, List<LocalImage> images, Instant now) {
        Table table = digests ? new Table("REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE")
                : new Table("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
        for (LocalImage image : images) {
            String tag = image.reference().tag() != null ? image.reference().tag() : "<none>";
            String created = Sizes.ago(image.created(), now);
            String size = Sizes.human(image.size());
            String id = image.imageId().shortHex();
            String name = image.reference().familiarName();
            if (digests) {
                table.row(name, tag, image.digest().toString(), id, created, size);
            } else {
                table.row(name, tag, id, created, size);
            }
        }
        table.print(out, "");
    }

    private static String json(LocalImage image, Instant now) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("Repository", image.reference().familiarName());
        fields.put("Tag", image.reference().tag() != null ? image.reference().tag() : "<none>");
        fields.put("Digest", image.digest().toString());
        fields.put("ID", image.imageId().toString());
        fields.put("Reference", image.reference().toString());
        fields.put("MediaType", image.manifest().mediaType().value());
        fields.put("Platform", image.platform() != null ? image.platform().toString() : null);
        fields.put("ArtifactType", image.artifactType());
        fields.put("CreatedAt", image.created());
        fields.put("CreatedSince", Sizes.ago(image.created(), now));
        fields.put("Size", image.size());
        return Json.write(fields);
    }
}
