package dev.jreg.cli;

import dev.jreg.model.Reference;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code jreg tag}: another name for an image in the local store. */
@Command(name = "tag", mixinStandardHelpOptions = true,
        description = "Give an image in the local store another name; no bytes are copied.",
        footer = {"", "Examples:", "  jreg tag nginx:1.24.0 localhost:5000/web:stable",
            "  jreg tag sha256:<manifest digest> localhost:5000/web:v1"})
final class TagCommand implements Callable<Integer> {
    @ParentCommand
    private JregCommand root;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "A name, name@digest, or manifest digest in the store.")
    private String source;

    @Parameters(index = "1", paramLabel = "TARGET[:TAG]", description = "The new name.")
    private String target;

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
