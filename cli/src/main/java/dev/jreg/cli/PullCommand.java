package dev.jreg.cli;

import dev.jreg.CopyOptions;
import dev.jreg.CopyResult;
import dev.jreg.ImageLocation;
import dev.jreg.Jreg;
import dev.jreg.PlatformSelector;
import dev.jreg.error.ImageNotFoundException;
import dev.jreg.error.NoMatchingPlatformException;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/** {@code jreg pull}: fetch an image, or every tag of a repository, into the local store. */
final class PullCommand extends Subcommand {
    private String image;
    private String platform;
    private boolean allTags;
    private boolean allPlatforms;
    private boolean quiet;

    @Override
    CommandModel model() {
        return CommandModel.of("pull", this,
                        "Download an image from a registry into the local store.",
                        "Only layers the store lacks are fetched; every blob is verified before it is kept.")
                .footer("",
                        "Examples:",
                        "  jreg pull nginx:1.24.0",
                        "  jreg pull --platform linux/arm64/v8 alpine",
                        "  jreg pull --all-tags localhost:5000/app",
                        "  jreg pull localhost:5000/app@sha256:…")
                .parameter("NAME[:TAG|@DIGEST]", "The image, e.g. nginx:1.24.0.", v -> image = v)
                .option("--platform", "OS/ARCH[/VARIANT]",
                        "Platform to pull from a multi-platform image (default: this machine's).", v -> platform = v)
                .flag("-a, --all-tags", "Pull every tag of the repository; a tag without an image for the platform"
                        + " is skipped.", v -> allTags = v)
                .flag("--all-platforms", "Pull every platform and keep the index as it is.", v -> allPlatforms = v)
                .flag("-q, --quiet", "Print only the image reference.", v -> quiet = v)
                .with(root::networkOptions);
    }

    @Override
    public Integer call() throws Exception {
        if (allTags && References.hasTagOrDigest(image)) {
            throw new IllegalArgumentException("--all-tags takes a repository without a tag: " + image);
        }
        Reference reference = Reference.parse(image);
        if (allPlatforms && platform != null) {
            throw new IllegalArgumentException("--platform and --all-platforms cannot be used together");
        }
        Platform wanted = platform != null ? Platform.parse(platform) : Platform.host();
        PlatformSelector selector = allPlatforms ? PlatformSelector.all() : PlatformSelector.only(wanted);
        Jreg jreg = root.open(quiet);
        if (!allTags) {
            pull(jreg, reference, selector);
            return ExitCodes.OK;
        }
        List<String> tags = jreg.tags(new ImageLocation.Registry(reference));
        int pulled = 0;
        for (String tag : tags) {
            try {
                pull(jreg, reference.withTag(tag), selector);
                pulled++;
            } catch (NoMatchingPlatformException e) {
                // Like a Windows-only tag among Linux ones: what was asked for is every tag this platform runs.
                root.context().err().println(tag + ": skipped: " + e.getMessage());
            }
        }
        if (pulled == 0) {
            if (tags.isEmpty()) {
                throw new ImageNotFoundException(reference.name() + " has no tags", reference.name(), List.of());
            }
            throw new NoMatchingPlatformException("none of the " + tags.size() + " tags of " + reference.name()
                    + " has an image for " + wanted, wanted, reference.name());
        }
        return ExitCodes.OK;
    }

    /** Pulls one image with docker's lines on stderr and its full reference on stdout. */
    private void pull(Jreg jreg, Reference reference, PlatformSelector selector) throws IOException {
        pull(root, jreg, reference, selector, quiet);
        root.context().out().println(reference);
        root.context().out().flush();
    }

    /**
     * Pulls one image with docker's lines on stderr: the progress, then its digest and status
     * (none with {@code quiet}), as {@code docker pull} and a {@code docker create} of a missing
     * image print them.
     */
    static CopyResult pull(JregCommand root, Jreg jreg, Reference reference, PlatformSelector selector, boolean quiet)
            throws IOException {
        PrintWriter err = root.context().err();
        CopyResult result;
        try (LayerProgress progress = root.progress(quiet, LayerProgress.Verbs.PULL)) {
            // As docker, once the registry has answered: not before a connection that may fail.
            progress.heading((reference.tag() != null ? reference.tag() : reference.digest().toString())
                    + ": Pulling from " + reference.repository());
            result = jreg.pull(reference, new CopyOptions(selector, jreg.config().concurrency(), progress));
        }
        if (!quiet) {
            err.println("Digest: " + result.sourceDigest());
            err.println("Status: " + (result.upToDate() ? "Image is up to date for " : "Downloaded newer image for ")
                    + reference.familiar());
            err.flush();
        }
        return result;
    }
}
