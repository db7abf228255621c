package dev.jreg.cli;

import dev.jreg.ArchiveFormat;
import dev.jreg.Jreg;
import dev.jreg.SaveOptions;
import dev.jreg.model.Platform;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/** {@code jreg save}: images of the local store as one tar archive, as {@code docker save} writes it. */
final class SaveCommand extends Subcommand {
    private List<String> images;
    private String output;
    private ArchiveFormat format = ArchiveFormat.DOCKER;
    private String platform;

    @Override
    CommandModel model() {
        return CommandModel.of("save", this,
                        "Save images of the local store to a tar archive, as docker save does.",
                        "The default format is what docker 25 and later write: an OCI image layout with manifest.json"
                                + " and repositories beside it, which docker load, podman load and skopeo's"
                                + " docker-archive: read; --format oci writes an OCI archive (skopeo's oci-archive:)."
                                + " Layers are saved as they are stored, each blob once. A repository alone (nginx)"
                                + " saves every tag of it; an image given by digest or image ID is saved without a"
                                + " name. An index is saved whole, and manifest.json names this machine's platform"
                                + " in it; --platform saves one platform's image alone.")
                .footer("",
                        "Examples:",
                        "  jreg save -o nginx.tar nginx:1.24.0",
                        "  jreg save nginx:1.24.0 alpine:3.19 | gzip > images.tar.gz",
                        "  jreg save --format oci -o app.tar localhost:5000/app:1",
                        "  jreg save --platform linux/arm64 -o nginx-arm64.tar nginx:1.24.0")
                .storedImage()
                .parameters("IMAGE", "Names, digests or image IDs (or unique prefixes) in the local store.",
                        v -> images = v)
                .file()
                .option("-o, --output", "FILE",
                        "Write to this file, which appears only once whole, instead of stdout (-: stdout).",
                        v -> output = v)
                .option("--format", "docker|oci", "docker's archive (default), or an OCI archive.",
                        ArchiveFormat.class, SaveCommand::parse, v -> format = v)
                .option("--platform", "OS/ARCH[/VARIANT]", "Of an index, save only this platform's image.",
                        v -> platform = v);
    }

    @Override
    public Integer call() throws Exception {
        CliContext context = root.context();
        boolean toStdout = output == null || output.equals("-");
        if (toStdout && context.stdoutTerminal()) {
            throw OutputFile.terminalRefused();
        }
        List<String> names = images.stream().map(image -> References.storeName(image, "IMAGE")).toList();
        Path file = toStdout ? null : OutputFile.checked(output);
        SaveOptions options = new SaveOptions(format, platform == null ? null : Platform.parse(platform));
        Jreg jreg = root.open();
        if (toStdout) {
            context.out().flush();
            jreg.save(names, options, context.stdout());
            context.stdout().flush();
        } else {
            OutputFile.write(file, to -> jreg.save(names, options, to));
        }
        return ExitCodes.OK;
    }

    private static ArchiveFormat parse(String value) {
        return switch (value) {
            case "docker" -> ArchiveFormat.DOCKER;
            case "oci" -> ArchiveFormat.OCI;
            default -> throw new CommandLine.TypeConversionException("'" + value + "' is not an archive format;"
                    + " expected docker or oci");
        };
    }
}
