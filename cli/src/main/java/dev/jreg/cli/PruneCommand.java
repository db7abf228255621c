package dev.jreg.cli;

import dev.jreg.layout.GarbageCollection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code jreg prune}: reclaim space no image uses. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Delete blobs no name in the local store reaches, and leftovers of interrupted downloads.")
final class PruneCommand implements Callable<Integer> {
    @ParentCommand
    private JregCommand root;

    @Override
    public Integer call() throws Exception {
        GarbageCollection result = root.open().prune();
        result.deleted().forEach(d -> root.context().out().println("Deleted: " + d));
        root.context().out().println("Total reclaimed space: " + Sizes.human(result.bytes())
                + (result.tempFiles() > 0 ? " (" + result.tempFiles() + " partial downloads)" : ""));
        return ExitCodes.OK;
    }
}
