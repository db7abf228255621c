package dev.jreg.cli;

import dev.jreg.ImageLocation;
import dev.jreg.Jreg;
import dev.jreg.copy.CopyOptions;
import dev.jreg.copy.CopyResult;
import dev.jreg.copy.PlatformSelector;
import dev.jreg.model.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code jreg copy} (alias {@code mirror}): copy images between registries, the store and layouts. */
@Command(name = "copy", aliases = "mirror", mixinStandardHelpOptions = true,
        description = {"Copy an image, or every tag of a repository, between registries, the local store and OCI layouts.",
            "Blobs stream from source to destination; the destination digest equals the source digest",
            "unless --platform chooses a subset."},
        footer = {"", "Locations:", "  NAME[:TAG|@DIGEST], docker://NAME   a registry",
            "  local:NAME[:TAG]                   jreg's local store", "  oci:DIR[:NAME]                     an OCI layout directory",
            "", "Examples:", "  jreg copy nginx:1.24.0 registry.internal:5000/library/nginx:1.24.0",
            "  jreg copy --platform linux/arm64 nginx:1.24.0 localhost:5000/nginx:arm",
            "  jreg mirror --all-tags --no-clobber docker.io/library/alpine registry.internal/alpine",
            "  jreg copy localhost:5000/app:1 oci:/media/usb/images:app-1"})
final class CopyCommand implements Callable<Integer>, MovesBlobs {
    @ParentCommand
    private JregCommand root;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "What to copy.")
    private String source;

    @Parameters(index = "1", paramLabel = "TARGET", description = "Where to copy it.")
    private String target;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "Copy only this platform (repeatable); several make a new index of just those.")
    private List<String> platforms = new ArrayList<>();

    @Option(names = {"-a", "--all-tags"}, description = "Copy every tag of the source repository.")
    private boolean allTags;

    @Option(names = {"-n", "--no-clobber"}, description = "Skip tags that already exist at the destination.")
    private boolean noClobber;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Blobs moved at once (default: ${DEFAULT-VALUE}).")
    private int jobs = CopyOptions.DEFAULT_CONCURRENCY;

    @Mixin
    private UploadMixin upload;

    @Option(names = {"-q", "--quiet"}, description = "Print only the result lines.")
    private boolean quiet;

    @Override
    public Integer call() throws Exception {
        ImageLocation from = ImageLocation.parse(source);
        ImageLocation to = ImageLocation.parse(target);
        if (jobs < 1) {
            throw new IllegalArgumentException("--jobs must be at least 1");
        }
        if (allTags && (References.hasTagOrDigest(source.replaceFirst("^(oci|local|docker):(//)?", ""))
                && !(from instanceof ImageLocation.Layout))) {
            throw new IllegalArgumentException("--all-tags takes a repository without a tag: " + source);
        }
        PlatformSelector selector = platforms.isEmpty() ? PlatformSelector.all()
                : new PlatformSelector.Only(platforms.stream().map(Platform::parse).toList());
        Jreg jreg = root.open();
        List<String> tags = allTags ? jreg.tags(from) : List.of();
        int copied = 0;
        int skipped = 0;
        for (ImageLocation[] pair : pairs(from, to, tags)) {
            if (noClobber && jreg.resolve(pair[1]).isPresent()) {
                skipped++;
                if (!quiet) {
                    root.context().err().println("Skipping " + pair[1] + ": it exists");
                }
                continue;
            }
            copyOne(jreg, pair[0], pair[1], selector);
            copied++;
        }
        if (allTags && !quiet) {
            root.context().err().println("Copied " + copied + " of " + tags.size() + " tags, skipped " + skipped);
        }
        return ExitCodes.OK;
    }

    private List<ImageLocation[]> pairs(ImageLocation from, ImageLocation to, List<String> tags) {
        List<ImageLocation[]> pairs = new ArrayList<>();
        if (!allTags) {
            pairs.add(new ImageLocation[] {from, to});
            return pairs;
        }
        for (String tag : tags) {
            pairs.add(new ImageLocation[] {from.withTag(tag), to.withTag(tag)});
        }
        return pairs;
    }

    private void copyOne(Jreg jreg, ImageLocation from, ImageLocation to, PlatformSelector selector) throws Exception {
        CliContext context = root.context();
        if (!quiet) {
            context.err().println("Copying " + from + " to " + to);
        }
        CopyResult result;
        try (LayerProgress progress = LayerProgress.of(context, quiet, LayerProgress.Verbs.COPY)) {
            result = jreg.copy(from, to, new CopyOptions(selector, jobs, progress), upload.options());
        }
        context.out().println(to + "@" + result.top().digest());
        context.out().flush();
    }
}
