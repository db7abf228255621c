package dev.jreg.cli;

import dev.jreg.model.Reference;

/** {@code jreg tag}: another name for an image in the local store. */
final class TagCommand extends Subcommand {
    private String source;
    private String target;

    @Override
    CommandModel model() {
        return CommandModel.of("tag", this,
                        "Give an image in the local store another name; no bytes are copied.")
                .footer("",
                        "Examples:",
                        "  jreg tag nginx:1.24.0 localhost:5000/web:stable",
                        "  jreg tag 451712c2d476 localhost:5000/web:v1")
                .storedImage()
                .parameter("SOURCE", "A name, name@digest, manifest digest or image ID (or a unique prefix) in the store.",
                        v -> source = v)
                .storedImage()
                .parameter("TARGET[:TAG]", "The new name.", v -> target = v);
    }

    @Override
    public Integer call() throws Exception {
        Reference targetReference = Reference.parse(target);
        if (targetReference.tag() == null) {
            throw new IllegalArgumentException("the new name needs a tag, not only a digest: " + target);
        }
        root.open().tag(source, targetReference.digest() == null ? targetReference
                : Reference.parse(targetReference.name() + ":" + targetReference.tag()));
        return ExitCodes.OK;
    }
}
