package dev.jreg.cli;

import dev.jreg.Jreg;
import dev.jreg.LocalImage;
import dev.jreg.error.ImageNotFoundException;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@code jreg images}: list the local store like {@code docker images}. */
final class ImagesCommand extends Subcommand {
    /** The fields of a row, in the order of {@code --format json}: what a template may name. */
    private static final List<String> FIELDS = List.of("Repository", "Tag", "Digest", "ID", "Reference", "MediaType",
            "Platform", "ArtifactType", "CreatedAt", "CreatedSince", "Size", "Complete", "Damaged");
    /** Column titles of a {@code table} template, docker's where docker has the field. */
    private static final Map<String, String> HEADERS = Map.of("ID", "IMAGE ID", "CreatedSince", "CREATED",
            "CreatedAt", "CREATED AT", "MediaType", "MEDIA TYPE", "ArtifactType", "ARTIFACT TYPE");

    private boolean digests;
    private boolean quiet;
    private boolean noTrunc;
    private final FormatMixin format = new FormatMixin(true);
    private boolean total;
    private final List<String> filters = new ArrayList<>();
    private String repository;

    @Override
    CommandModel model() {
        return CommandModel.of("images", this,
                        "List images in the local store, newest first.",
                        "SIZE is the compressed size of an image's config and layers, as registries and 'docker "
                                + "manifest inspect' count it and 'jreg tags --details' shows it (of an index stored "
                                + "whole, every platform's, each blob once, attestations left out), not the unpacked "
                                + "size 'jreg unpack' reports. The total, on stderr, is what the images listed take "
                                + "on disk: every blob, manifests too, layers they share once. An image missing a blob "
                                + "(after verify --repair) shows SIZE with (incomplete); pull it to fetch what is missing. One whose manifest "
                                + "or config is damaged shows (damaged); verify --repair removes the blob.",
                        "--format json prints one object per line, like docker; a template prints what it names.")
                .aliases("ls")
                .footer("",
                        "Examples:",
                        "  jreg images --format '{{.Repository}}:{{.Tag}}'",
                        "  jreg images --format 'table {{.ID}}\\t{{.Size}}'",
                        "  jreg images --filter 'reference=nginx:1.*' --filter dangling=false")
                .optionalParameter("REPOSITORY[:TAG]", "Only this repository, or tag; a pattern as reference= takes.",
                        v -> repository = v)
                .flag("-a, --all", "Show all images (jreg stores no intermediate images: the same list).", v -> { })
                .flag("--digests", "Show manifest digests.", v -> digests = v)
                .repeatable("-f, --filter", "KEY=VALUE", "Only images matching: reference=PATTERN (docker's glob: "
                        + "nginx, nginx:1.*, */app), dangling=true|false, before=IMAGE, since=IMAGE, label=KEY[=VALUE].",
                        filters::addAll)
                .flag("--no-trunc", "Show full image IDs.", v -> noTrunc = v)
                .flag("-q, --quiet", "Print only image IDs.", v -> quiet = v)
                .with(format::declare)
                .negatableFlag("--total",
                        "Print on stderr the space the images listed take, shared layers counted once (default: on).",
                        true, v -> total = v);
    }

    @Override
    public Integer call() throws Exception {
        FormatTemplate template = format.template(FIELDS);
        boolean json = template == null && format.json();
        Jreg jreg = root.open();
        List<LocalImage> all = jreg.images();
        List<String> wanted = new ArrayList<>(filters);
        if (repository != null) {
            wanted.add("reference=" + repository);
        }
        ImageFilter filter = new ImageFilter(wanted, image -> created(jreg, all, image));
        List<LocalImage> images = all.stream().filter(filter)
                .sorted(Comparator.comparing((LocalImage image) -> image.created() == null ? "" : image.created())
                        .reversed().thenComparing(image -> Objects.toString(image.reference(), "")))
                .toList();
        PrintWriter out = root.context().out();
        Instant now = Instant.now();
        if (quiet) {
            images.forEach(image -> out.println(id(image)));
        } else if (json) {
            images.forEach(image -> out.println(JsonOutput.write(fields(image, now))));
        } else if (template != null) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (LocalImage image : images) {
                Map<String, Object> row = fields(image, now);
                // As in docker's templates: the ID as the table shows it, the size in its units.
                row.put("ID", id(image));
                row.put("Size", Sizes.human(image.size()));
                rows.add(row);
            }
            template.print(out, rows, HEADERS);
        } else {
            printTable(out, images, now);
            if (total && !images.isEmpty()) {
                root.context().err().println("Total: " + images.size() + (images.size() == 1 ? " image, " : " images, ")
                        + Sizes.human(jreg.contentSize(images)) + " on disk (shared layers counted once)");
            }
        }
        return ExitCodes.OK;
    }

    /** The creation time of a local image named as {@code rm} takes it, for before= and since=. */
    private static String created(Jreg jreg, List<LocalImage> all, String name) {
        Reference reference;
        try {
            reference = jreg.localReference(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.stream().filter(image -> reference.equals(image.reference())).findFirst()
                .orElseThrow(() -> new UncheckedIOException(new ImageNotFoundException(
                        "no such image in the local store: " + name, name, List.of())))
                .created();
    }

    private String id(LocalImage image) {
        return noTrunc ? image.imageId().toString() : image.imageId().shortHex();
    }

    private void printTable(PrintWriter out, List<LocalImage> images, Instant now) {
        Table table = digests ? new Table("REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE")
                : new Table("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
        for (LocalImage image : images) {
            String tag = tag(image);
            String created = Sizes.ago(image.created(), now);
            // Last column, so that scripts reading the others by position are not thrown off.
            String size = Sizes.human(image.size())
                    + (image.damaged() ? " (damaged)" : image.complete() ? "" : " (incomplete)");
            String name = repository(image);
            if (digests) {
                table.row(name, tag, image.digest().toString(), id(image), created, size);
            } else {
                table.row(name, tag, id(image), created, size);
            }
        }
        table.print(out, "");
    }

    /** The repository as docker shows it; {@code <none>} for an image without a name. */
    private static String repository(LocalImage image) {
        return image.reference() == null ? "<none>" : image.reference().familiarName();
    }

    private static String tag(LocalImage image) {
        return image.reference() == null || image.reference().tag() == null ? "<none>" : image.reference().tag();
    }

    private static Map<String, Object> fields(LocalImage image, Instant now) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("Repository", repository(image));
        fields.put("Tag", tag(image));
        fields.put("Digest", image.digest().toString());
        fields.put("ID", image.imageId().toString());
        fields.put("Reference", image.reference() == null ? null : image.reference().toString());
        fields.put("MediaType", image.manifest().mediaType().value());
        // Every platform an index stored whole holds, comma-separated as tags --details shows them.
        fields.put("Platform", image.platforms().isEmpty() ? null
                : String.join(",", image.platforms().stream().map(Platform::toString).toList()));
        fields.put("ArtifactType", image.artifactType());
        fields.put("CreatedAt", image.created());
        fields.put("CreatedSince", Sizes.ago(image.created(), now));
        fields.put("Size", image.size());
        fields.put("Complete", image.complete());
        fields.put("Damaged", image.damaged());
        return fields;
    }
}
