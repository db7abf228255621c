package dev.jreg.cli;

import dev.jreg.model.Platform;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code jreg config}: the exact config bytes. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print the exact config bytes of an image (of one platform, for an index), verified.")
final class ConfigCommand implements Callable<Integer> {
    @ParentCommand
    private JregCommand root;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "NAME[:TAG|@DIGEST], local:NAME or oci:DIR:NAME.")
    private String image;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "Platform to take from an index (default: this machine's).")
    private String platform;

    @Mixin
    private LocationOptions locations;

    @Override
    public Integer call() throws Exception {
        var location = locations.parse(image);
        root.context().writeRaw(root.open().config(location, platform == null ? null : Platform.parse(platform)));
        return ExitCodes.OK;
    }
}
