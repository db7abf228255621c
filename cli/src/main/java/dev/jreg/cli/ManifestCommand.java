package dev.jreg.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code jreg manifest}: the exact manifest bytes. */
@Command(name = "manifest", mixinStandardHelpOptions = true, description = "Print the exact manifest bytes of an image or index.")
final class ManifestCommand implements Callable<Integer> {
    @ParentCommand
    private JregCommand root;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "NAME[:TAG|@DIGEST], local:NAME or oci:DIR:NAME.")
    private String image;

    @Mixin
    private LocationOptions locations;

    @Override
    public Integer call() throws Exception {
        root.context().writeRaw(root.open().manifest(locations.parse(image)).bytes());
        return ExitCodes.OK;
    }
}
