package dev.jreg.cli;

import dev.jreg.ImageLocation;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code jreg blob}: one blob's bytes, verified. */
@Command(name = "blob", mixinStandardHelpOptions = true,
        description = {"Write a blob to stdout or a file, verified against its digest.",
            "With -o the file appears only once the bytes are verified; on stdout a mismatch is reported at the end."})
final class BlobCommand implements Callable<Integer>, MovesBlobs {
    @ParentCommand
    private JregCommand root;

    @Parameters(index = "0", paramLabel = "REPOSITORY@DIGEST", description = "e.g. nginx@sha256:… or local:nginx@sha256:…")
    private String blob;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to this file instead of stdout.")
    private Path output;

    @Mixin
    private LocationOptions locations;

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
