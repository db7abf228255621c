package dev.jreg.cli;

import dev.jreg.Jreg;
import dev.jreg.error.ImageNotFoundException;
import java.util.List;

/** {@code jreg digest}: what a tag points at, by {@code HEAD}. */
final class DigestCommand extends Subcommand {
    private String image;
    private final LocationOptions locations = new LocationOptions();

    @Override
    CommandModel model() {
        return CommandModel.of("digest", this,
                        "Print the digest a tag points at.",
                        "Uses HEAD, which Docker Hub does not count against its pull limit; falls back to GET and hashing"
                                + " when the registry sends no digest.")
                .parameter("IMAGE", "NAME[:TAG], local:NAME or oci:DIR:NAME.", v -> image = v)
                .with(locations::declare)
                .with(root::networkOptions);
    }

    @Override
    public Integer call() throws Exception {
        Jreg jreg = root.open();
        // A name the store lacks says what the store has, as inspect and rm do.
        var location = locations.parseImage(jreg, image);
        var found = jreg.resolve(location);
        var descriptor = found.orElseThrow(() -> new ImageNotFoundException(
                location + ": manifest unknown", location.toString(), List.of()));
        root.context().out().println(descriptor.digest());
        return ExitCodes.OK;
    }
}
