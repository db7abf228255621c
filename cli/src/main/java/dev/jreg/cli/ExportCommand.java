package dev.jreg.cli;

import dev.jreg.Jreg;
import dev.jreg.model.Platform;
import java.nio.file.Path;

/** {@code jreg export}: an image's filesystem as one tar archive, as {@code docker export} writes a container's. */
final class ExportCommand extends Subcommand {
    private String image;
    private String platform;
    private String output;

    @Override
    CommandModel model() {
        return CommandModel.of("export", this,
                        "Write an image's filesystem as one tar archive, as docker export writes a new container's.",
                        "The layers are applied in order: whiteouts and opaque directories applied and none written, "
                                + "each path as the top-most layer wrote it, hard links kept. Entries come in path "
                                + "order, so the same image gives the same archive. IMAGE is read from the local "
                                + "store or an OCI layout; pull a registry's image first.")
                .footer("",
                        "Examples:",
                        "  jreg export -o rootfs.tar nginx:1.24.0",
                        "  jreg export alpine | tar -tv",
                        "  jreg export --platform linux/arm64 oci:/tmp/layout:app > app.tar")
                .storedImage()
                .parameter("IMAGE", "A name, image ID or local:NAME in the local store, or oci:DIR[:NAME].",
                        v -> image = v)
                .option("--platform", "OS/ARCH[/VARIANT]",
                        "From an index, this platform's image (default: this machine's).", v -> platform = v)
                .file()
                .option("-o, --output", "FILE", "Write to this file, whole or not at all, instead of stdout"
                        + " (- for stdout).", v -> output = v);
    }

    @Override
    public Integer call() throws Exception {
        boolean toStdout = output == null || output.equals("-");
        CliContext context = root.context();
        if (toStdout && context.stdoutTerminal()) {
            throw OutputFile.terminalRefused();
        }
        Path file = toStdout ? null : OutputFile.checked(output);
        Platform wanted = platform == null ? null : Platform.parse(platform);
        Jreg jreg = root.open();
        var location = LocationOptions.stored(jreg, image);
        if (file != null) {
            OutputFile.write(file, to -> jreg.export(location, wanted, to));
        } else {
            context.out().flush();
            jreg.export(location, wanted, context.stdout());
            context.stdout().flush();
        }
        return ExitCodes.OK;
    }
}
