package dev.jreg.cli;

import dev.jreg.PruneResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jreg prune}: reclaim space no image uses. */
final class PruneCommand implements Callable<Integer> {
    private final JregCommand root;

    private PruneCommand(JregCommand root) {
        this.root = root;
    }

    static CommandSpec spec(JregCommand root) {
        PruneCommand command = new PruneCommand(root);
        return CommandModel.of("prune", command,
                        "Delete blobs no name in the local store reaches, and leftovers of interrupted downloads.")
                .spec();
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
