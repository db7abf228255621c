package dev.jreg.cli;

import dev.jreg.Jreg;
import dev.jreg.copy.CopyOptions;
import dev.jreg.copy.CopyResult;
import dev.jreg.copy.PlatformSelector;
import dev.jreg.model.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code jreg push}: upload an image from the local store to the registry its name points at. */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = {"Upload an image from the local store to its registry.",
            "Blobs the registry has are skipped; blobs in another repository of the same registry are mounted."},
        footer = {"", "Examples:", "  jreg tag nginx:1.24.0 localhost:5000/nginx:1.24.0",
            "  jreg push localhost:5000/nginx:1.24.0", "  jreg push --all-tags localhost:5000/nginx"})
final class PushCommand implements Callable<Integer>, MovesBlobs {
    @ParentCommand
    private JregCommand root;

    @Parameters(index = "0", paramLabel = "NAME[:TAG]", description = "The image, as named in the local store.")
    private String image;

    @Option(names = {"-a", "--all-tags"}, description = "Push every tag of the repository held in the local store.")
    private boolean allTags;

    @Mixin
    private UploadMixin upload;

    @Option(names = {"-q", "--quiet"}, description = "Print only the result lines.")
    private boolean quiet;

    @Override
    public Integer call() throws Exception {
        Reference reference = Reference.parse(image);
        if (allTags && References.hasTagOrDigest(image)) {
            throw new IllegalArgumentException("--all-tags takes a repository without a tag: " + image);
        }
        Jreg jreg = root.open();
        List<Reference> targets = new ArrayList<>();
        if (allTags) {
            for (String tag : jreg.tags(new dev.jreg.ImageLocation.Local(reference))) {
                targets.add(reference.withTag(tag));
            }
            if (targets.isEmpty()) {
                throw new dev.jreg.error.NotFoundException("no tags of " + reference.familiarName()
                        + " in the local store", 404, "GET", jreg.store().root().toString(), List.of());
            }
        } else {
            targets.add(reference);
        }
        CliContext context = root.context();
        if (!quiet) {
            context.err().println("The push refers to repository [" + reference.name() + "]");
        }
        for (Reference target : targets) {
            CopyResult result;
            try (LayerProgress progress = LayerProgress.of(context, quiet, LayerProgress.Verbs.PUSH)) {
                result = jreg.push(target, new CopyOptions(PlatformSelector.all(), jreg.config().concurrency(), progress),
                        upload.options());
            }
            context.out().println(target.tagOrDigest() + ": digest: " + result.top().digest() + " size: "
                    + result.top().size());
            context.out().flush();
        }
        return ExitCodes.OK;
    }
}
