package dev.jreg.cli;

import dev.jreg.model.Platform;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jreg config}: the exact config bytes. */
final class ConfigCommand implements Callable<Integer> {
    private final JregCommand root;
    private String image;
    private String platform;
    private final LocationOptions locations = new LocationOptions();

    private ConfigCommand(JregCommand root) {
        this.root = root;
    }

    static CommandSpec spec(JregCommand root) {
        ConfigCommand command = new ConfigCommand(root);
        return CommandModel.of("config", command,
                        "Print the exact config bytes of an image (of one platform, for an index), verified.")
                .parameter("IMAGE", "NAME[:TAG|@DIGEST], local:NAME or oci:DIR:NAME.", v -> command.image = v)
                .option("--platform", "OS/ARCH[/VARIANT]",
                        "Platform to take from an index (default: this machine's).", v -> command.platform = v)
                .with(command.locations::declare)
                .with(root::networkOptions)
                .spec();
    }

    @Override
    public Integer call() throws Exception {
        var jreg = root.open();
        var location = locations.parseImage(jreg, image);
        root.context().writeRaw(jreg.config(location, platform == null ? null : Platform.parse(platform)));
        return ExitCodes.OK;
    }
}
