package dev.jreg.cli;

import dev.jreg.registry.UploadOptions;
import picocli.CommandLine.Option;

/** Upload options shared by push and copy. */
final class UploadMixin {
    @Option(names = "--chunk-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Upload in chunks of this size (e.g. 5MiB) instead of one streamed request per blob.")
    private long chunkSize;

    UploadOptions options() {
        return new UploadOptions(chunkSize);
    }
}
