package dev.jreg.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jreg manifest}: the exact manifest bytes. */
final class ManifestCommand implements Callable<Integer> {
    private final JregCommand root;
    private String image;
    private final LocationOptions locations = new LocationOptions();

    private ManifestCommand(JregCommand root) {
        this.root = root;
    }

    static CommandSpec spec(JregCommand root) {
        ManifestCommand command = new ManifestCommand(root);
        return CommandModel.of("manifest", command,
                        "Print the exact manifest bytes of an image or index.")
                .parameter("IMAGE", "NAME[:TAG|@DIGEST], local:NAME or oci:DIR:NAME.", v -> command.image = v)
                .with(command.locations::declare)
                .with(root::networkOptions)
                .spec();
    }

    @Override
    public Integer call() throws Exception {
        var jreg = root.open();
        root.context().writeRaw(jreg.manifest(locations.parseImage(jreg, image)).bytes());
        return ExitCodes.OK;
    }
}
