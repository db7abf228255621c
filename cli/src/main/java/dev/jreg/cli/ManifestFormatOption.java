package dev.jreg.cli;

import dev.jreg.CopyResult;
import dev.jreg.ManifestFormat;
import java.io.PrintWriter;
import picocli.CommandLine;

/** {@code --format oci|docker} of copy and push: the manifest format to write, as skopeo's {@code --format}. */
final class ManifestFormatOption {
    private ManifestFormat format = ManifestFormat.KEEP;

    void declare(CommandModel command) {
        command.option("--format", "oci|docker",
                "Write the manifests as OCI or Docker schema 2 ones, converting those of the other format (new"
                        + " digests; layers and configs keep theirs). Default: as the source has them.",
                ManifestFormat.class, ManifestFormatOption::parse, v -> format = v);
    }

    ManifestFormat format() {
        return format;
    }

    /** Says on stderr that the result was converted and from which digest, unless quiet or nothing was converted. */
    void report(CopyResult result, PrintWriter err, boolean quiet) {
        if (result.converted() && !quiet) {
            // The new digest is the one printed with the target; the old one is cut to fit 80 columns.
            err.println("Converted to " + (format == ManifestFormat.OCI ? "OCI" : "Docker schema 2") + " (was "
                    + Table.digest(result.convertedFrom(), false) + ")");
        }
    }

    private static ManifestFormat parse(String value) {
        return switch (value) {
            case "oci" -> ManifestFormat.OCI;
            case "docker" -> ManifestFormat.DOCKER;
            default -> throw new CommandLine.TypeConversionException("'" + value + "' is not a manifest format;"
                    + " expected oci or docker");
        };
    }
}
