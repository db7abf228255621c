package dev.jreg.cli;

import dev.jreg.ArchivedImage;
import dev.jreg.Jreg;
import dev.jreg.LoadResult;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code jreg load}: images from a tar archive into the local store, as {@code docker load} reads them. */
final class LoadCommand extends Subcommand {
    private String input;
    private boolean quiet;

    @Override
    CommandModel model() {
        return CommandModel.of("load", this,
                        "Load images from a tar archive into the local store, as docker load does.",
                        "It reads what docker save writes (docker 25 and later, and docker 24's folders of"
                                + " layer.tar files), skopeo's and podman's docker-archive: and oci-archive:, and"
                                + " OCI archives, compressed (gzip, zstd, xz, bzip2) or not. Every blob is verified as it is"
                                + " stored, and blobs the store has are not written again; the images are named"
                                + " once all of it is stored, so a bad archive leaves nothing named.")
                .footer("",
                        "Examples:",
                        "  jreg load -i nginx.tar",
                        "  jreg load < images.tar.gz",
                        "  ssh build-host docker save app:1 | jreg load -q")
                .file()
                .option("-i, --input", "FILE", "Read this file instead of stdin (-: stdin).", v -> input = v)
                .flag("-q, --quiet", "Print only the images loaded, without the summary on stderr.", v -> quiet = v);
    }

    @Override
    public Integer call() throws Exception {
        CliContext context = root.context();
        boolean fromStdin = input == null || input.equals("-");
        if (fromStdin && context.stdinTerminal()) {
            throw new IllegalArgumentException("refusing to read an archive from a terminal; use -i FILE or redirect"
                    + " stdin");
        }
        if (!fromStdin && !Files.exists(Path.of(input))) {
            throw new IllegalArgumentException("no such file: " + input);
        }
        Jreg jreg = root.open();
        LoadResult result;
        if (fromStdin) {
            result = jreg.load(context.stdin(), "stdin");
        } else {
            try (InputStream in = Files.newInputStream(Path.of(input))) {
                result = jreg.load(in, input);
            }
        }
        if (!quiet) {
            context.err().println("Stored " + result.blobsStored() + (result.blobsStored() == 1 ? " blob (" : " blobs (")
                    + Sizes.human(result.bytesStored()) + "); " + result.blobsPresent() + " already in the local store");
        }
        for (ArchivedImage image : result.images()) {
            // docker's lines: the name as it prints names, or the image ID of one without a name.
            context.out().println(image.name() != null ? "Loaded image: " + image.name().familiar()
                    : "Loaded image ID: " + image.imageId());
        }
        return ExitCodes.OK;
    }
}
