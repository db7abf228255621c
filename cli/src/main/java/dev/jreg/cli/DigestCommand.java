package dev.jreg.cli;

import dev.jreg.ImageLocation;
import dev.jreg.Jreg;
import dev.jreg.error.ImageNotFoundException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jreg digest}: what a tag points at, by {@code HEAD}. */
final class DigestCommand implements Callable<Integer> {
    private final JregCommand root;
    private String image;
    private final LocationOptions locations = new LocationOptions();

    private DigestCommand(JregCommand root) {
        this.root = root;
    }

    static CommandSpec spec(JregCommand root) {
        DigestCommand command = new DigestCommand(root);
        return CommandModel.of("digest", command,
                        "Print the digest a tag points at.",
                        "Uses HEAD, which Docker Hub does not count against its pull limit; falls back to GET and hashing"
                                + " when the registry sends no digest.")
                .parameter("IMAGE", "NAME[:TAG], local:NAME or oci:DIR:NAME.", v -> command.image = v)
                .with(command.locations::declare)
                .with(root::networkOptions)
                .spec();
    }

    @Override
    public Integer call() throws Exception {
        var location = locations.parse(image);
        Jreg jreg = root.open();
        var found = jreg.resolve(location);
        if (found.isEmpty() && location instanceof ImageLocation.Local local) {
            jreg.localReference(local.reference().toString()); // says what the store has, as inspect and rm do
        }
        var descriptor = found.orElseThrow(() -> new ImageNotFoundException(
                location + ": manifest unknown", location.toString(), List.of()));
        root.context().out().println(descriptor.digest());
        return ExitCodes.OK;
    }
}
