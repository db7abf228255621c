package dev.jreg.cli;

import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jreg delete}: remove a tag or manifest from a registry. */
final class DeleteCommand implements Callable<Integer> {
    private final JregCommand root;
    private String image;

    private DeleteCommand(JregCommand root) {
        this.root = root;
    }

    static CommandSpec spec(JregCommand root) {
        DeleteCommand command = new DeleteCommand(root);
        return CommandModel.of("delete", command,
                        "Delete a manifest or a tag from a registry.",
                        "By digest, that manifest (and every tag on it). By tag, only that tag: where the registry cannot"
                                + " delete tags, jreg points the tag at a unique throw-away manifest and deletes that, so other"
                                + " tags on the same image survive.")
                .parameter("NAME:TAG|NAME@DIGEST", "What to delete.", v -> command.image = v)
                .with(root::networkOptions)
                .spec();
    }

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
