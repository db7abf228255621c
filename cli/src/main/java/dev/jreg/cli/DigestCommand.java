package dev.jreg.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code jreg digest}: what a tag points at, by {@code HEAD}. */
@Command(name = "digest", mixinStandardHelpOptions = true,
        description = {"Print the digest a tag points at.",
            "Uses HEAD, which Docker Hub does not count against its pull limit; falls back to GET and hashing",
            "when the registry sends no digest."})
final class DigestCommand implements Callable<Integer> {
    @ParentCommand
    private JregCommand root;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "NAME[:TAG], local:NAME or oci:DIR:NAME.")
    private String image;

    @Mixin
    private LocationOptions locations;

    @Override
    public Integer call() throws Exception {
        var location = locations.parse(image);
        var descriptor = root.open().resolve(location).orElseThrow(() -> new dev.jreg.error.NotFoundException(
                location + ": manifest unknown", 404, "HEAD", location.toString(), java.util.List.of()));
        root.context().out().println(descriptor.digest());
        return ExitCodes.OK;
    }
}
