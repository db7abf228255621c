package dev.jreg.cli;

import dev.jreg.RemoveResult;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jreg rm}: remove names from the local store and the blobs only they used. */
final class RmCommand implements Callable<Integer> {
    private final JregCommand root;
    private List<String> images;

    private RmCommand(JregCommand root) {
        this.root = root;
    }

    static CommandSpec spec(JregCommand root) {
        RmCommand command = new RmCommand(root);
        return CommandModel.of("rm", command,
                        "Remove images from the local store.",
                        "Names work as in docker: nginx means nginx:latest; NAME@DIGEST and a bare digest work too."
                                + " Removing a name that others share removes only that name; then every blob no remaining"
                                + " name reaches is deleted, and layers other images use stay.")
                .aliases("rmi")
                .parameters("IMAGE", "Names or digests.", v -> command.images = v)
                .spec();
    }

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
