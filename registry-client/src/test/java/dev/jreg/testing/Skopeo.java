package dev.jreg.testing;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Digest;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.nio.file.Path;
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

    /**
     * {@code skopeo login} into an auth file, as podman users log in (plain HTTP allowed); the
     * password goes on the command line, which is fine for a test's throw-away account.
     *
     * @param target {@code host[:port]}, or {@code host[:port]/namespace} for a namespace's own credentials
     */
    public static void login(java.nio.file.Path authFile, String target, String user, String password)
            throws IOException, InterruptedException {
        List<String> command = List.of("skopeo", "login", "--authfile", authFile.toString(), "--tls-verify=false",
                "-u", user, "-p", password, target);
        Processes.run(command, TIMEOUT).assertOk(command);
    }

    /** The exact manifest bytes skopeo reads for a reference such as {@code oci:DIR:NAME}. */
    public static byte[] inspectRaw(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy", "inspect", "--raw",
                "--tls-verify=false"));
        command.addAll(List.of(args));
        return Processes.run(command, TIMEOUT).assertOk(command).stdout();
    }

    /**
     * Pushes a one-layer linux/amd64 image to each of these HTTPS registries as
     * {@code HOST:PORT/secure/app:1}, trusting the test CA and presenting its client certificate.
     *
     * @param dir a folder for the image's layout and skopeo's certificates
     * @return the image's manifest digest
     */
    public static Digest pushOverTls(Path dir, TestPki pki, List<DistributionRegistry> registries) throws Exception {
        Path fixtures = dir.resolve("fixtures");
        Digest digest = TestImages.writeImage(OciLayout.open(fixtures), Reference.parse("localhost/f:1"),
                Platform.of("linux", "amd64", null), List.of(TestImages.layer(51, 40_000))).digest();
        Path certDir = pki.writeCertsDir(dir.resolve("skopeo-certs"), true);
        for (DistributionRegistry registry : registries) {
            copy("--dest-cert-dir", certDir.toString(), "oci:" + fixtures + ":localhost/f:1",
                    "docker://" + registry.hostPort() + "/secure/app:1");
        }
        return digest;
    }
}
