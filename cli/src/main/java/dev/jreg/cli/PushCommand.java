package dev.jreg.cli;

import dev.jreg.CopyOptions;
import dev.jreg.CopyResult;
import dev.jreg.Jreg;
import dev.jreg.PlatformSelector;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.util.List;

/** {@code jreg push}: upload an image from the local store to the registry its name points at. */
final class PushCommand extends Subcommand {
    private String image;
    private boolean allTags;
    private final TargetOptions targetOptions = new TargetOptions();
    private boolean quiet;

    @Override
    CommandModel model() {
        return CommandModel.of("push", this,
                        "Upload an image from the local store to its registry.",
                        "Blobs the registry has are skipped; blobs in another repository of the same registry are mounted.")
                .footer("",
                        "Examples:",
                        "  jreg tag nginx:1.24.0 localhost:5000/nginx:1.24.0",
                        "  jreg push localhost:5000/nginx:1.24.0",
                        "  jreg push --all-tags localhost:5000/nginx",
                        "  jreg push --format oci localhost:5000/nginx:1.24.0")
                .storedImage()
                .parameter("NAME[:TAG]", "The image, as named in the local store (an image ID stands for its name).",
                        v -> image = v)
                .flag("-a, --all-tags",
                        "Push every tag of the repository held in the local store.", v -> allTags = v)
                .with(targetOptions::declare)
                .flag("-q, --quiet", "Print only the result lines.", v -> quiet = v)
                .with(root::networkOptions);
    }

    @Override
    public Integer call() throws Exception {
        if (allTags && References.hasTagOrDigest(image)) {
            throw new IllegalArgumentException("--all-tags takes a repository without a tag: " + image);
        }
        Jreg jreg = root.open(quiet);
        // The name says where to push; an image ID stands for the image's name in the store.
        Reference reference = allTags ? Reference.parse(image) : jreg.localReference(image);
        List<Reference> targets;
        if (allTags) {
            targets = jreg.tags(new dev.jreg.ImageLocation.Local(reference)).stream().map(reference::withTag).toList();
        } else {
            refuseSeveralRepositories(jreg);
            targets = List.of(reference);
        }
        CliContext context = root.context();
        if (!quiet) {
            context.err().println("The push refers to repository [" + reference.name() + "]");
        }
        for (Reference target : targets) {
            CopyResult result;
            try (LayerProgress progress = root.progress(quiet, LayerProgress.Verbs.PUSH)) {
                result = jreg.push(target, new CopyOptions(PlatformSelector.all(), jreg.config().concurrency(), progress,
                        targetOptions.format()), targetOptions.upload());
            }
            targetOptions.report(result, context.err(), quiet);
            context.out().println(target.tagOrDigest() + ": digest: " + result.top().digest() + " size: "
                    + result.top().size());
            context.out().flush();
        }
        return ExitCodes.OK;
    }

    /** An image ID whose names are in several repositories says nothing of where to push: refused, as rm refuses. */
    private void refuseSeveralRepositories(Jreg jreg) throws IOException {
        List<Reference> names = jreg.localNames(image);
        if (names.stream().map(Reference::name).distinct().count() > 1) {
            throw new IllegalArgumentException("image " + image + " is named in several repositories ("
                    + String.join(", ", names.stream().map(Reference::familiar).toList()) + "); push it by name");
        }
    }
}
