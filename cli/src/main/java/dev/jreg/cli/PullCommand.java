package dev.jreg.cli;

import dev.jreg.Jreg;
import dev.jreg.copy.CopyOptions;
import dev.jreg.copy.CopyResult;
import dev.jreg.copy.PlatformSelector;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jreg pull}: fetch an image into the local store. */
final class PullCommand implements Callable<Integer>, MovesBlobs {
    private final JregCommand root;
    private String image;
    private String platform;
    private boolean allPlatforms;
    private boolean quiet;

    private PullCommand(JregCommand root) {
        this.root = root;
    }

    static CommandSpec spec(JregCommand root) {
        PullCommand command = new PullCommand(root);
        return CommandModel.of("pull", command,
                        "Download an image from a registry into the local store.",
                        "Only layers the store lacks are fetched; every blob is verified before it is kept.")
                .footer("",
                        "Examples:",
                        "  jreg pull nginx:1.24.0",
                        "  jreg pull --platform linux/arm64/v8 alpine",
                        "  jreg pull localhost:5000/app@sha256:…")
                .parameter("NAME[:TAG|@DIGEST]", "The image, e.g. nginx:1.24.0.", v -> command.image = v)
                .option("--platform", "OS/ARCH[/VARIANT]",
                        "Platform to pull from a multi-platform image (default: this machine's).", v -> command.platform = v)
                .flag("-a, --all-platforms",
                        "Pull every platform and keep the index as it is.", v -> command.allPlatforms = v)
                .flag("-q, --quiet", "Print only the image reference.", v -> command.quiet = v)
                .with(root::networkOptions)
                .spec();
    }

    @Override
    public Integer call() throws Exception {
        Reference reference = Reference.parse(image);
        if (allPlatforms && platform != null) {
            throw new IllegalArgumentException("--platform and --all-platforms cannot be used together");
        }
        PlatformSelector selector = allPlatforms ? PlatformSelector.all()
                : PlatformSelector.only(platform != null ? Platform.parse(platform) : Platform.host());
        CliContext context = root.context();
        PrintWriter err = context.err();
        Jreg jreg = root.open();
        if (!quiet) {
            err.println((reference.tag() != null ? reference.tag() : reference.digest().toString())
                    + ": Pulling from " + reference.repository());
            err.flush();
        }
        CopyResult result;
        try (LayerProgress progress = LayerProgress.of(context, quiet, LayerProgress.Verbs.PULL)) {
            result = jreg.pull(reference, new CopyOptions(selector, jreg.config().concurrency(), progress));
        }
        if (!quiet) {
            err.println("Digest: " + result.sourceDigest());
            err.println("Status: " + (result.upToDate() ? "Image is up to date for " : "Downloaded newer image for ")
                    + reference.familiar());
            err.flush();
        }
        context.out().println(reference);
        return ExitCodes.OK;
    }
}
