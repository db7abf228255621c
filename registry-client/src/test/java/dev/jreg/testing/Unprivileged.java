package dev.jreg.testing;

import dev.jreg.internal.layer.LayerEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the interoperability peers (skopeo, umoci) as an unprivileged user, as people run them,
 * while the tests run as root: through {@code setpriv} as {@code nobody} (uid and gid 65534, no
 * supplementary groups), with a home of its own. A test that does not run as root runs them as itself.
 */
public final class Unprivileged {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** Classes whose jars a JVM of the library's needs besides the library's and the tests' own classes. */
    private static final List<String> LIBRARIES = List.of("org.apache.commons.compress.archivers.tar.TarArchiveInputStream",
            "org.apache.commons.io.IOUtils", "org.apache.commons.lang3.StringUtils", "com.github.luben.zstd.Zstd",
            "com.fasterxml.jackson.core.JsonFactory", "com.fasterxml.jackson.databind.JsonNode",
            "com.fasterxml.jackson.annotation.JsonInclude");

    private Unprivileged() {
    }

    /** Why the peers cannot run unprivileged here, or null when they can. */
    public static String unavailable() throws IOException {
        return root() && !RealRegistryCondition.onPath("setpriv")
                ? "setpriv is missing (util-linux): cannot run the peers as an unprivileged user" : null;
    }

    /** True when this process runs as root. */
    static boolean root() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    /** Lets every user read, write and enter a directory (a test's own temp directory is its owner's only). */
    public static Path share(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    /**
     * Runs a command as the unprivileged user, with {@code HOME} a folder of its own under {@code home}
     * (shared with it) and the caller's {@code PATH}.
     */
    public static Processes.Result run(Path home, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        if (root()) {
            line.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
        }
        line.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(line);
        builder.environment().clear();
        builder.environment().put("HOME", share(Files.createDirectories(home)).toString());
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        return Processes.run(builder, null, TIMEOUT);
    }

    /**
     * The command line that runs a test class's {@code main} in a JVM of its own with this JVM's
     * java: the library's and the tests' classes, and copies in {@code lib} of the jars it needs,
     * where any user can read them (the local Maven repository may be root's alone).
     */
    public static List<String> java(Class<?> main, Path lib, String... args) throws Exception {
        Files.createDirectories(lib);
        List<String> classpath = new ArrayList<>(List.of(location(LayerEntry.class).toString(), location(main).toString()));
        for (String name : LIBRARIES) {
            Path jar = location(Class.forName(name));
            Path copy = lib.resolve(jar.getFileName());
            if (!Files.exists(copy)) {
                Files.copy(jar, copy);
            }
            classpath.add(copy.toString());
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(":", classpath), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static Path location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
