package dev.jreg.cli;

import dev.jreg.PruneResult;

/** {@code jreg prune}: reclaim space no image uses. */
final class PruneCommand extends Subcommand {
    private boolean cache;

    @Override
    CommandModel model() {
        return CommandModel.of("prune", this,
                        "Delete blobs no name in the local store reaches, and leftovers of interrupted downloads.",
                        "Also deletes the unpack records of directories that no longer exist and what builds"
                                + " killed with kill -9 left; with --cache, the build cache too.")
                .footer("",
                        "Examples:",
                        "  jreg prune",
                        "  jreg prune --cache")
                .flag("--cache", "Also clear the build cache: the steps and file digests jreg build keeps.",
                        v -> cache = v);
    }

    @Override
    public Integer call() throws Exception {
        PruneResult result = root.open().prune(cache);
        result.deleted().forEach(d -> root.context().out().println("Deleted: " + d));
        if (result.unpackRecords() > 0) {
            root.context().out().println("Deleted " + result.unpackRecords() + " unpack record"
                    + (result.unpackRecords() == 1 ? "" : "s") + " of directories that no longer exist");
        }
        if (result.buildLeftovers() > 0) {
            root.context().out().println("Deleted " + result.buildLeftovers() + " director"
                    + (result.buildLeftovers() == 1 ? "y" : "ies") + " left by killed builds");
        }
        if (cache) {
            root.context().out().println("Deleted " + result.cacheEntries() + " build cache entr"
                    + (result.cacheEntries() == 1 ? "y" : "ies"));
        }
        root.context().out().println("Total reclaimed space: " + Sizes.human(result.bytes())
                + (result.tempFiles() > 0 ? " (" + result.tempFiles() + " partial downloads)" : ""));
        return ExitCodes.OK;
    }
}
