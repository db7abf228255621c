package dev.jreg.cli;

import dev.jreg.Jreg;
import dev.jreg.copy.CopyOptions;
import dev.jreg.copy.CopyResult;
import dev.jreg.copy.PlatformSelector;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code jreg pull}: fetch an image into the local store. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download an image from a registry into the local store.",
            "Only layers the store lacks are fetched; every blob is verified before it is kept."},
        footer = {"", "Examples:", "  jreg pull nginx:1.24.0", "  jreg pull --platform linux/arm64/v8 alpine",
            "  jreg pull localhost:5000/app@sha256:…"})
final class PullCommand implements Callable<Integer>, MovesBlobs {
    @ParentCommand
    private JregCommand root;

    @Parameters(index = "0", paramLabel = "NAME[:TAG|@DIGEST]", description = "The image, e.g. nginx:1.24.0.")
    private String image;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "Platform to pull from a multi-platform image (default: this machine's).")
    private String platform;

    @Option(names = {"-a", "--all-platforms"}, description = "Pull every platform and keep the index as it is.")
    private boolean allPlatforms;

    @Option(names = {"-q", "--quiet"}, description = "Print only the image reference.")
    private boolean quiet;

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
