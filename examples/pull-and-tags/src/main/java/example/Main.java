package example;

import dev.jreg.CopyOptions;
import dev.jreg.CopyResult;
import dev.jreg.ImageLocation;
import dev.jreg.Jreg;
import dev.jreg.JregOptions;
import dev.jreg.error.NoMatchingPlatformException;
import dev.jreg.error.NotFoundException;
import dev.jreg.model.Reference;
import java.nio.file.Path;

/**
 * Pulls an image into a store directory (an OCI image layout) and lists the tags of its
 * repository: {@code java example.Main STORE_DIR IMAGE}, e.g. {@code /tmp/store nginx:1.24.0}.
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        Reference image = Reference.parse(args[1]);
        Jreg jreg = Jreg.open(JregOptions.defaults(Path.of(args[0])));
        try {
            CopyResult pulled = jreg.pull(image, CopyOptions.defaults());
            System.out.println("pulled " + image + "@" + pulled.sourceDigest());
            for (String tag : jreg.tags(new ImageLocation.Registry(image))) {
                System.out.println("tag " + tag);
            }
        } catch (NotFoundException | NoMatchingPlatformException e) {
            System.err.println("not found: " + e.getMessage());
            System.exit(3);
        }
    }
}
