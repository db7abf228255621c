package dev.jreg.cli;

import dev.jreg.Jreg;
import dev.jreg.LayerCompression;
import dev.jreg.SquashOptions;
import dev.jreg.SquashResult;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.time.Instant;

/** {@code jreg squash}: an image of one layer holding an image's filesystem, named in the local store. */
final class SquashCommand extends Subcommand {
    private String image;
    private String newName;
    private String platform;
    private String compression = "gzip";
    private String timestamp;

    @Override
    CommandModel model() {
        return CommandModel.of("squash", this,
                        "Make an image of one layer holding an image's filesystem, and name it in the local store.",
                        "The layers are flattened as export flattens them, into one layer. The config keeps every "
                                + "field but rootfs.diff_ids and the history, which becomes one step: created by "
                                + "jreg squash, naming how many layers were squashed and the source's digest. The "
                                + "manifest keeps the source's format (a Docker schema 2 image stays one). IMAGE is "
                                + "read from the local store or an OCI layout. The new image's ID is printed last.")
                .footer("",
                        "Examples:",
                        "  jreg squash nginx:1.24.0 nginx:squashed",
                        "  SOURCE_DATE_EPOCH=0 jreg squash --compression zstd app:1 app:flat",
                        "  jreg squash oci:/tmp/layout:app localhost:5000/app:flat",
                        "  jreg push localhost:5000/app:flat")
                .storedImage()
                .parameter("IMAGE", "A name, image ID or local:NAME in the local store, or oci:DIR[:NAME].",
                        v -> image = v)
                .storedImage()
                .parameter("NEWNAME", "The new image's name, NAME[:TAG].", v -> newName = v)
                .option("--platform", "OS/ARCH[/VARIANT]",
                        "From an index, this platform's image (default: this machine's).", v -> platform = v)
                .option("--compression", "gzip|zstd", "The layer's compression (default: gzip).", v -> compression = v)
                .option("--timestamp", "EPOCH|RFC3339", "Clamp the layer's times to this time and date the history"
                        + " step so, for the same digest on every run (default: SOURCE_DATE_EPOCH when set).",
                        v -> timestamp = v);
    }

    @Override
    public Integer call() throws Exception {
        LayerCompression layerCompression = switch (compression) {
            case "gzip" -> LayerCompression.GZIP;
            case "zstd" -> LayerCompression.ZSTD;
            default -> throw new IllegalArgumentException("--compression must be gzip or zstd, not \"" + compression + "\"");
        };
        Instant clamp = Timestamps.clamp(timestamp, root.context().env());
        Reference name = References.storeReference(newName, "NEWNAME");
        Platform wanted = platform == null ? null : Platform.parse(platform);
        Jreg jreg = root.open();
        SquashResult result = jreg.squash(LocationOptions.stored(jreg, image), wanted, name,
                new SquashOptions(layerCompression, clamp));
        CliContext context = root.context();
        context.err().println("Squashed " + result.squashed() + (result.squashed() == 1 ? " layer" : " layers")
                + " into one of " + Sizes.human(result.layer().size()) + ": " + name.familiar());
        context.out().println(result.imageId());
        return ExitCodes.OK;
    }
}
