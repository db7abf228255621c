package dev.jreg.cli;

import dev.jreg.RemoveResult;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code jreg rm}: remove names from the local store and the blobs only they used. */
@Command(name = "rm", aliases = "rmi", mixinStandardHelpOptions = true,
        description = {"Remove images from the local store, docker's way: nginx means nginx:latest; NAME@DIGEST and",
            "a bare digest work too. Removing a name that others share removes only that name; then every blob no",
            "remaining name reaches is deleted, and layers other images use stay."})
final class RmCommand implements Callable<Integer> {
    @ParentCommand
    private JregCommand root;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Names or digests.")
    private List<String> images;

    @Override
    public Integer call() throws Exception {
        RemoveResult result = root.open().remove(images);
        for (String name : result.untagged()) {
            root.context().out().println("Untagged: " + Reference.tryParse(name).map(Reference::familiar).orElse(name));
        }
        for (Digest deleted : result.collected().deleted()) {
            root.context().out().println("Deleted: " + deleted);
        }
        return ExitCodes.OK;
    }
}
