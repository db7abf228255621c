package dev.jreg.cli;

import dev.jreg.ImageLocation;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import java.nio.file.Path;

/** {@code jreg blob}: one blob's bytes, verified. */
final class BlobCommand extends Subcommand {
    private String blob;
    private Path output;
    private final LocationOptions locations = new LocationOptions();

    @Override
    CommandModel model() {
        return CommandModel.of("blob", this,
                        "Write a blob to stdout or a file, verified against its digest.",
                        "With -o the file appears only once the bytes are verified; on stdout a mismatch is reported at the end.")
                .parameter("REPOSITORY@DIGEST", "e.g. nginx@sha256:… or local:nginx@sha256:…", v -> blob = v)
                .file()
                .option("-o, --output", "FILE",
                        "Write to this file instead of stdout.", Path.class, v -> output = v)
                .with(locations::declare)
                .with(root::networkOptions);
    }

    @Override
    public Integer call() throws Exception {
        ImageLocation location = locations.parse(blob);
        Reference reference = location instanceof ImageLocation.Registry r ? r.reference()
                : location instanceof ImageLocation.Local l ? l.reference() : null;
        if (reference == null || reference.digest() == null) {
            throw new IllegalArgumentException("expected REPOSITORY@DIGEST, got " + blob);
        }
        Digest digest = reference.digest();
        var jreg = root.open();
        if (output != null) {
            jreg.blob(location, digest, output);
        } else {
            root.context().out().flush();
            jreg.blob(location, digest, root.context().stdout());
            root.context().stdout().flush();
        }
        return ExitCodes.OK;
    }
}
