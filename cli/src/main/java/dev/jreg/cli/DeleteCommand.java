package dev.jreg.cli;

import dev.jreg.model.Digest;
import dev.jreg.model.Reference;

/** {@code jreg delete}: remove a tag or manifest from a registry. */
final class DeleteCommand extends Subcommand {
    private String image;

    @Override
    CommandModel model() {
        return CommandModel.of("delete", this,
                        "Delete a manifest or a tag from a registry.",
                        "By digest, that manifest (and every tag on it). By tag, only that tag: where the registry cannot"
                                + " delete tags, jreg points the tag at a unique throw-away manifest and deletes that, so other"
                                + " tags on the same image survive.")
                .parameter("NAME:TAG|NAME@DIGEST", "What to delete.", v -> image = v)
                .with(root::networkOptions);
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
