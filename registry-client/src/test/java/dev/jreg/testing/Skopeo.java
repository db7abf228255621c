package dev.jreg.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Drives the real skopeo, the interoperability peer of the integration tests. */
public final class Skopeo {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private Skopeo() {
    }

    /** True when skopeo is on the PATH. */
    public static boolean available() {
        return RealRegistryCondition.onPath("skopeo");
    }

    /** {@code skopeo copy} with the given arguments; plain HTTP allowed towards test registries. */
    public static String copy(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy", "copy", "--quiet",
                "--src-tls-verify=false", "--dest-tls-verify=false"));
        command.addAll(List.of(args));
        return Processes.run(command, TIMEOUT).assertOk(command).stderr();
    }

    /** The exact manifest bytes skopeo reads for a reference such as {@code oci:DIR:NAME}. */
    public static byte[] inspectRaw(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy", "inspect", "--raw",
                "--tls-verify=false"));
        command.addAll(List.of(args));
        return Processes.run(command, TIMEOUT).assertOk(command).stdout();
    }
}
