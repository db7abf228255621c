package dev.jreg.cli;

import dev.jreg.UploadOptions;

/** Upload options shared by push and copy. */
final class UploadMixin {
    private long chunkSize;

    void declare(CommandModel command) {
        command.option("--chunk-size", "SIZE",
                "Upload in chunks of this size (e.g. 5MiB) instead of one streamed request per blob.",
                Long.class, new SizeConverter(), v -> chunkSize = v);
    }

    UploadOptions options() {
        return new UploadOptions(chunkSize);
    }
}
