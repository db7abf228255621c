package dev.jreg.internal.build;

import dev.jreg.internal.layer.Compression;
import dev.jreg.internal.layer.WrittenLayer;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.internal.sandbox.RunSpec;
import dev.jreg.internal.sandbox.Sandbox;
import dev.jreg.testing.Unprivileged;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A stage's steps on a {@link RootFilesystem} in a JVM of its own, for the tests that need one: run
 * by an ordinary user, or stopped as jreg would be. Arguments: {@code WORK STORE STEP...}, each
 * step {@code apply:FILE} (a layer) or {@code run:SCRIPT} ({@code /bin/sh -c SCRIPT} as root in
 * {@code /}, with {@code PATH=/bin} and no network), the layers going into the OCI layout
 * {@code STORE}. Prints the commands' lines and, after each {@code RUN}, {@code layer DIGEST} or
 * {@code no layer}; exits with the status of a command that fails.
 */
public final class RootFilesystemLauncher {
    private RootFilesystemLauncher() {
    }

    public static void main(String[] args) throws Exception {
        OciLayout store = OciLayout.open(Path.of(args[1]));
        try (RootFilesystem rootfs = RootFilesystem.create(Path.of(args[0]))) {
            for (String step : Arrays.asList(args).subList(2, args.length)) {
                if (step.startsWith("apply:")) {
                    try (InputStream layer = Files.newInputStream(Path.of(step.substring("apply:".length())))) {
                        rootfs.apply(layer, step);
                    }
                    continue;
                }
                RunSpec spec = new RunSpec(List.of("/bin/sh", "-c", step.substring("run:".length())), List.of("PATH=/bin"),
                        "/", "", RunSpec.Network.NONE);
                Optional<WrittenLayer> layer = rootfs.run(Sandbox.onThisMachine(), spec, Map.of(), line -> {
                    System.out.println(line);
                    System.out.flush();
                }, Compression.GZIP, Optional.empty(), store);
                System.out.println(layer.map(written -> "layer " + written.digest()).orElse("no layer"));
            }
        } catch (RunFailedException e) {
            System.exit(e.status());
        }
    }

    /** The command line that starts it: {@link Unprivileged#java}. */
    static List<String> command(Path lib, String... args) throws Exception {
        return Unprivileged.java(RootFilesystemLauncher.class, lib, args);
    }
}
