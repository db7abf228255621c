package dev.jreg.cli;

import dev.jreg.PruneResult;

/** {@code jreg prune}: reclaim space no image uses. */
final class PruneCommand extends Subcommand {

    @Override
    CommandModel model() {
        return CommandModel.of("prune", this,
                        "Delete blobs no name in the local store reaches, and leftovers of interrupted downloads.");
    }

    @Override
    public Integer call() throws Exception {
        PruneResult result = root.open().prune();
        result.deleted().forEach(d -> root.context().out().println("Deleted: " + d));
        root.context().out().println("Total reclaimed space: " + Sizes.human(result.bytes())
                + (result.tempFiles() > 0 ? " (" + result.tempFiles() + " partial downloads)" : ""));
        return ExitCodes.OK;
    }
}
