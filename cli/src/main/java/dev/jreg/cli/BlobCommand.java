package dev.jreg.cli;

import dev.jreg.ImageLocation;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jreg blob}: one blob's bytes, verified. */
final class BlobCommand implements Callable<Integer> {
    private final JregCommand root;
    private String blob;
    private Path output;
    private final LocationOptions locations = new LocationOptions();

    private BlobCommand(JregCommand root) {
        this.root = root;
    }

    static CommandSpec spec(JregCommand root) {
        BlobCommand command = new BlobCommand(root);
        return CommandModel.of("blob", command,
                        "Write a blob to stdout or a file, verified against its digest.",
                        "With -o the file appears only once the bytes are verified; on stdout a mismatch is reported at the end.")
                .parameter("REPOSITORY@DIGEST", "e.g. nginx@sha256:… or local:nginx@sha256:…", v -> command.blob = v)
                .option("-o, --output", "FILE",
                        "Write to this file instead of stdout.", Path.class, v -> command.output = v)
                .with(command.locations::declare)
                .with(root::networkOptions)
                .spec();
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
