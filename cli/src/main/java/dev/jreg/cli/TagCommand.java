package dev.jreg.cli;

import dev.jreg.model.Reference;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jreg tag}: another name for an image in the local store. */
final class TagCommand implements Callable<Integer> {
    private final JregCommand root;
    private String source;
    private String target;

    private TagCommand(JregCommand root) {
        this.root = root;
    }

    static CommandSpec spec(JregCommand root) {
        TagCommand command = new TagCommand(root);
        return CommandModel.of("tag", command,
                        "Give an image in the local store another name; no bytes are copied.")
                .footer("",
                        "Examples:",
                        "  jreg tag nginx:1.24.0 localhost:5000/web:stable",
                        "  jreg tag 451712c2d476 localhost:5000/web:v1")
                .parameter("SOURCE", "A name, name@digest, manifest digest or image ID (or a unique prefix) in the store.",
                        v -> command.source = v)
                .parameter("TARGET[:TAG]", "The new name.", v -> command.target = v)
                .spec();
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
