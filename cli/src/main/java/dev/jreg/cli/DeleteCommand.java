package dev.jreg.cli;

import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code jreg delete}: remove a tag or manifest from a registry. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete from a registry. By digest, that manifest (and every tag on it). By tag, only that tag:",
            "where the registry cannot delete tags, jreg points the tag at a unique throw-away manifest and deletes",
            "that, so other tags on the same image survive."})
final class DeleteCommand implements Callable<Integer> {
    @ParentCommand
    private JregCommand root;

    @Parameters(index = "0", paramLabel = "NAME:TAG|NAME@DIGEST", description = "What to delete.")
    private String image;

    @Override
    public Integer call() throws Exception {
        if (!References.hasTagOrDigest(image)) {
            throw new IllegalArgumentException("name a tag or digest to delete, e.g. " + image + ":old");
        }
        Reference reference = Reference.parse(image);
        Digest digest = root.open().delete(reference);
        root.context().out().println((reference.digest() != null ? "Deleted: " : "Untagged: ") + reference.familiar()
                + (reference.digest() != null ? "" : " (was " + digest + ")"));
        return ExitCodes.OK;
    }
}
