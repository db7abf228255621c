package dev.jreg.cli;

import dev.jreg.ImageInfo;
import dev.jreg.ImageLocation;
import dev.jreg.Jreg;
import dev.jreg.model.Descriptor;
import dev.jreg.model.ImageConfig;
import dev.jreg.model.Platform;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@code jreg inspect}: what an image or index holds, remote by default. */
final class InspectCommand extends Subcommand {
    private String image;
    private String platform;
    private final FormatMixin format = new FormatMixin();
    private final LocationOptions locations = new LocationOptions();
    private boolean rawManifest;
    private boolean rawConfig;
    private boolean noTrunc;

    @Override
    CommandModel model() {
        CommandModel model = CommandModel.of("inspect", this,
                "Show an image or index: digest, platforms, config, layers with sizes, history.",
                "Reads the registry unless --local (or a local:/oci: location) is given.",
                "The JSON shape is documented in docs/OUTPUT.md.");
        return model
                .storedImage()
                .parameter("IMAGE", "NAME[:TAG|@DIGEST], local:NAME or oci:DIR:NAME.", v -> image = v)
                .option("--platform", "OS/ARCH[/VARIANT]", "From an index, detail this platform's image.",
                        v -> platform = v)
                .with(format::declare)
                .flag("--no-trunc", "Show digests in tables and history commands whole.", v -> noTrunc = v)
                .with(locations::declare)
                .oneOf(model.flagSpec("--raw", "Print the exact manifest bytes.", v -> rawManifest = v),
                        model.flagSpec("--config", "Print the exact config bytes (this machine's platform from an index).",
                                v -> rawConfig = v))
                .with(root::networkOptions);
    }

    @Override
    public Integer call() throws Exception {
        Platform wanted = platform == null ? null : Platform.parse(platform);
        boolean json = format.json();
        Jreg jreg = root.open();
        ImageLocation location = locations.parseImage(jreg, image);
        CliContext context = root.context();
        if (rawManifest) {
            context.writeRaw(jreg.manifest(location).bytes());
            return ExitCodes.OK;
        }
        if (rawConfig) {
            context.writeRaw(jreg.config(location, wanted));
            return ExitCodes.OK;
        }
        ImageInfo info = jreg.inspect(location, wanted);
        if (json) {
            context.out().println(JsonOutput.write(toJson(info)));
        } else {
            print(context.out(), info, noTrunc);
        }
        return ExitCodes.OK;
    }

    private static void print(PrintWriter out, ImageInfo info, boolean noTrunc) {
        out.println("Name:       " + info.name());
        out.println("Digest:     " + info.manifest().digest());
        out.println("MediaType:  " + info.manifest().mediaType());
        if (!info.platforms().isEmpty()) {
            out.println("Platforms:");
            Table table = new Table("PLATFORM", "DIGEST", "SIZE");
            for (ImageInfo.PlatformEntry entry : info.platforms()) {
                table.row(kind(entry.platform(), entry.artifactType()), Table.digest(entry.descriptor().digest(), noTrunc),
                        size(entry.size()));
            }
            table.print(out, "  ");
        }
        if (!info.attestations().isEmpty()) {
            out.println("Attestations:");
            Table table = new Table("FOR", "DIGEST", "SIZE");
            for (ImageInfo.Attestation attestation : info.attestations()) {
                table.row(attestedImage(info, attestation), Table.digest(attestation.descriptor().digest(), noTrunc),
                        size(attestation.size()));
            }
            table.print(out, "  ");
        }
        ImageInfo.Image image = info.image();
        if (image == null) {
            return;
        }
        ImageConfig config = image.config();
        ImageConfig.Container runtime = config.config();
        if (!info.platforms().isEmpty()) {
            out.println("Image:      " + image.manifest().digest());
        }
        if (image.artifactType() != null) {
            out.println("Artifact:   " + image.artifactType());
        } else {
            out.println("Platform:   " + kind(image.platform(), null));
        }
        out.println("Created:    " + (config.created() == null || config.created().isEmpty() ? "N/A" : config.created()));
        if (runtime != null) {
            list(out, "Env:", runtime.env());
            line(out, "Entrypoint:", runtime.entrypoint() == null ? null : JsonOutput.write(runtime.entrypoint()));
            line(out, "Cmd:", runtime.cmd() == null ? null : JsonOutput.write(runtime.cmd()));
            line(out, "WorkingDir:", runtime.workingDir());
            line(out, "User:", runtime.user());
            line(out, "Ports:", runtime.exposedPorts() == null ? null : String.join(" ", runtime.exposedPorts().keySet()));
            if (runtime.labels() != null) {
                list(out, "Labels:", runtime.labels().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
            }
        }
        out.println("Config:     " + Table.digest(image.configDescriptor().digest(), noTrunc) + " ("
                + image.configDescriptor().size() + " bytes)");
        out.println("Layers:");
        Table layers = new Table("DIGEST", "MEDIA TYPE", "SIZE");
        for (Descriptor layer : image.layers()) {
            layers.row(Table.digest(layer.digest(), noTrunc), layer.mediaType().value(), Sizes.human(layer.size()));
        }
        layers.print(out, "  ");
        out.println("  Total: " + Sizes.human(image.layersSize()) + " in " + image.layers().size()
                + (image.layers().size() == 1 ? " layer" : " layers"));
        if (!config.history().isEmpty()) {
            out.println("History:");
            // The command last: whole (--no-trunc), it would push every column after it out of line.
            Table history = new Table("CREATED", "LAYER", "CREATED BY");
            List<Descriptor> made = image.historyLayers();
            for (int i = 0; i < made.size(); i++) {
                ImageConfig.History step = config.history().get(i);
                Descriptor layer = made.get(i);
                history.row(step.created() == null ? "" : step.created(),
                        layer == null ? "-" : noTrunc ? layer.digest().toString() : layer.digest().shortHex(),
                        HistoryCommand.cut(step.createdBy(), HistoryCommand.CREATED_BY_WIDTH, noTrunc));
            }
            history.print(out, "  ");
        }
    }

    /** A platform, else an artifact type, else {@code unknown}: never a literal null. */
    private static String kind(Platform platform, String artifactType) {
        return platform != null ? platform.toString() : artifactType != null ? artifactType : "unknown";
    }

    private static String size(long bytes) {
        return bytes < 0 ? "-" : Sizes.human(bytes);
    }

    /** The platform of the image an attestation describes, else that image's digest. */
    private static String attestedImage(ImageInfo info, ImageInfo.Attestation attestation) {
        if (attestation.subject() == null) {
            return "-";
        }
        return info.platforms().stream().filter(p -> p.descriptor().digest().toString().equals(attestation.subject()))
                .findFirst().map(p -> kind(p.platform(), p.artifactType())).orElse(attestation.subject());
    }

    private static void line(PrintWriter out, String label, String value) {
        if (value != null && !value.isEmpty()) {
            out.println(String.format("%-12s%s", label, value));
        }
    }

    private static void list(PrintWriter out, String label, List<String> values) {
        if (values == null) {
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            out.println(String.format("%-12s%s", i == 0 ? label : "", values.get(i)));
        }
    }

    /** The documented JSON shape (docs/OUTPUT.md). */
    static Map<String, Object> toJson(ImageInfo info) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", info.name());
        root.put("digest", info.manifest().digest().toString());
        root.put("mediaType", info.manifest().mediaType().value());
        root.put("size", info.manifest().size());
        if (!info.platforms().isEmpty()) {
            List<Map<String, Object>> platforms = new ArrayList<>();
            for (ImageInfo.PlatformEntry entry : info.platforms()) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("platform", Objects.toString(entry.platform(), null));
                p.put("artifactType", entry.artifactType());
                platforms.add(manifest(p, entry.descriptor(), entry.size()));
            }
            root.put("platforms", platforms);
        }
        if (!info.attestations().isEmpty()) {
            List<Map<String, Object>> attestations = new ArrayList<>();
            for (ImageInfo.Attestation attestation : info.attestations()) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("subject", attestation.subject());
                attestations.add(manifest(a, attestation.descriptor(), attestation.size()));
            }
            root.put("attestations", attestations);
        }
        ImageInfo.Image image = info.image();
        if (image != null) {
            ImageConfig config = image.config();
            ImageConfig.Container runtime = config.config();
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("digest", image.manifest().digest().toString());
            i.put("platform", Objects.toString(image.platform(), null));
            i.put("artifactType", image.artifactType());
            i.put("created", config.created());
            i.put("author", config.author());
            i.put("env", runtime == null ? null : runtime.env());
            i.put("entrypoint", runtime == null ? null : runtime.entrypoint());
            i.put("cmd", runtime == null ? null : runtime.cmd());
            i.put("workingDir", runtime == null ? null : runtime.workingDir());
            i.put("user", runtime == null ? null : runtime.user());
            i.put("exposedPorts", runtime == null || runtime.exposedPorts() == null ? null
                    : List.copyOf(runtime.exposedPorts().keySet()));
            i.put("labels", runtime == null ? null : runtime.labels());
            i.put("config", descriptor(image.configDescriptor()));
            i.put("layers", image.layers().stream().map(InspectCommand::descriptor).toList());
            i.put("layersSize", image.layersSize());
            List<Map<String, Object>> history = new ArrayList<>();
            List<Descriptor> made = image.historyLayers();
            for (int k = 0; k < made.size(); k++) {
                ImageConfig.History step = config.history().get(k);
                Map<String, Object> h = new LinkedHashMap<>();
                h.put("created", step.created());
                h.put("createdBy", step.createdBy());
                h.put("emptyLayer", step.emptyLayer());
                h.put("comment", step.comment());
                h.put("layer", made.get(k) == null ? null : made.get(k).digest().toString());
                history.add(h);
            }
            i.put("history", history);
            root.put("image", i);
        }
        return root;
    }

    private static Map<String, Object> descriptor(Descriptor d) {
        return manifest(new LinkedHashMap<>(), d, d.size());
    }

    /** Adds a child's digest and media type and the size to give for it (its image's, for an index's child). */
    private static Map<String, Object> manifest(Map<String, Object> fields, Descriptor d, long size) {
        fields.put("digest", d.digest().toString());
        fields.put("mediaType", d.mediaType().value());
        fields.put("size", size);
        return fields;
    }
}
