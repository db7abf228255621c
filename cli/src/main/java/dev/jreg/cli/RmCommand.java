package dev.jreg.cli;

import dev.jreg.RemoveResult;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import java.util.List;

/** {@code jreg rm}: remove names from the local store and the blobs only they used, like {@code docker rmi}. */
final class RmCommand extends Subcommand {
    private List<String> images;
    private boolean force;

    @Override
    CommandModel model() {
        return CommandModel.of("rm", this,
                        "Remove images from the local store.",
                        "Names work as in docker: nginx means nginx:latest; NAME@DIGEST, a digest and an image ID"
                                + " (or a unique prefix of it, as jreg images -q prints) work too. Removing a name that"
                                + " others share removes only that name; then every blob no remaining name reaches is"
                                + " deleted, and layers other images use stay. Each IMAGE is removed on its own: those"
                                + " that fail are reported and the rest are removed (exit 1 when some fail).")
                .aliases("rmi")
                .storedImage()
                .parameters("IMAGE", "Names, digests or image IDs.", v -> images = v)
                .flag("-f, --force", "Remove an image ID's names even when they are in several repositories.",
                        v -> force = v);
    }

    @Override
    public Integer call() throws Exception {
        CliContext context = root.context();
        RemoveResult result = root.open().remove(images, force);
        for (String name : result.untagged()) {
            context.out().println("Untagged: " + Reference.tryParse(name).map(Reference::familiar).orElse(name));
        }
        if (result.collected().isPresent()) {
            for (Digest deleted : result.collected().get().deleted()) {
                context.out().println("Deleted: " + deleted);
            }
        } else {
            context.err().println("A pull or copy into the local store is running; the removed images' blobs stay"
                    + " until 'jreg prune'");
        }
        context.out().flush();
        ErrorReporter reporter = new ErrorReporter(context, root);
        int code = ExitCodes.OK;
        for (RemoveResult.Failure failure : result.failures()) {
            int failed = reporter.report(failure.error());
            // docker rmi exits 1 when any image fails; one image alone keeps its own code.
            code = images.size() == 1 ? failed : ExitCodes.FAILURE;
        }
        return code;
    }
}
