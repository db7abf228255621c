package dev.jreg.cli;

import dev.jreg.model.Platform;

/** {@code jreg config}: the exact config bytes. */
final class ConfigCommand extends Subcommand {
    private String image;
    private String platform;
    private final LocationOptions locations = new LocationOptions();

    @Override
    CommandModel model() {
        return CommandModel.of("config", this,
                        "Print the exact config bytes of an image (of one platform, for an index), verified.")
                .parameter("IMAGE", "NAME[:TAG|@DIGEST], local:NAME or oci:DIR:NAME.", v -> image = v)
                .option("--platform", "OS/ARCH[/VARIANT]",
                        "Platform to take from an index (default: this machine's).", v -> platform = v)
                .with(locations::declare)
                .with(root::networkOptions);
    }

    @Override
    public Integer call() throws Exception {
        var jreg = root.open();
        var location = locations.parseImage(jreg, image);
        root.context().writeRaw(jreg.config(location, platform == null ? null : Platform.parse(platform)));
        return ExitCodes.OK;
    }
}
