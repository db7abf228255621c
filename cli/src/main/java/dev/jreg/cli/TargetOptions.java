package dev.jreg.cli;

import dev.jreg.CopyResult;
import dev.jreg.ManifestFormat;
import dev.jreg.UploadOptions;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * How copy and push write to their destination: {@code --chunk-size}, and {@code --format oci|docker},
 * the manifest format to write, as skopeo's {@code --format}.
 */
final class TargetOptions {
    private long chunkSize;
    private ManifestFormat format = ManifestFormat.KEEP;

    void declare(CommandModel command) {
        command.option("--chunk-size", "SIZE",
                        "Upload in chunks of this size (e.g. 5MiB) instead of one streamed request per blob.",
                        Long.class, new SizeConverter(), v -> chunkSize = v)
                .option("--format", "oci|docker",
                        "Write the manifests as OCI or Docker schema 2 ones, converting those of the other format (new"
                                + " digests; layers and configs keep theirs). Default: as the source has them.",
                        ManifestFormat.class, TargetOptions::parse, v -> format = v);
    }

    UploadOptions upload() {
        return new UploadOptions(chunkSize);
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
