package dev.jreg.internal.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * Root filesystems for the tests of the sandbox and of the build, made of Debian's
 * {@code busybox-static}: its {@code /bin/busybox} and links to it for the applets the tests run,
 * and, unless left out, an {@code /etc} with users {@code root}, {@code app} (1000:1000, a member
 * of {@code staff}, 50) and {@code nobody}. Nothing else: no {@code /proc}, {@code /dev} or {@code /tmp}.
 */
public final class BusyboxRootfs {
    static final Path BUSYBOX = Path.of("/bin/busybox");
    static final List<String> APPLETS = List.of("sh", "env", "id", "echo", "cat", "sleep", "pwd", "true", "touch",
            "chown", "printf", "ls", "mkdir", "mkfifo", "rm", "kill", "hostname", "stat");
    static final String PASSWD = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n"
            + "nobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n";
    static final String GROUP = "root:x:0:\napp:x:1000:\nstaff:x:50:app\nnogroup:x:65534:\n";
    /** A time of the past, given to every path made, so that a change of time shows. */
    public static final FileTime MADE = FileTime.fromMillis(1_500_000_000_123L);

    private BusyboxRootfs() {
    }

    /**
     * Why the sandbox's tests cannot run here, or null when they can: bubblewrap or busybox is not
     * installed. Under {@code JREG_REQUIRE_INTEGRATION=1} (scripts/test, which installs both) they
     * run whatever, and fail where a program is missing.
     */
    public static String unavailable() {
        if ("1".equals(System.getenv("JREG_REQUIRE_INTEGRATION"))) {
            return null;
        }
        if (Host.thisMachine().bwrap() == null) {
            return "bwrap is not installed (apt-get install bubblewrap; scripts/test installs it)";
        }
        return Files.isExecutable(BUSYBOX) ? null
                : BUSYBOX + " is not installed (apt-get install busybox-static; scripts/test installs it)";
    }

    /** Makes the root filesystem in {@code dir} (made, mode 0755), with {@code /etc} or without. */
    public static Path make(Path dir, boolean withEtc) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        for (String applet : APPLETS) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        if (withEtc) {
            Path etc = Files.createDirectories(dir.resolve("etc"));
            Files.writeString(etc.resolve("passwd"), PASSWD, StandardCharsets.UTF_8);
            Files.writeString(etc.resolve("group"), GROUP, StandardCharsets.UTF_8);
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.toList()) {
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
        return touchAll(dir);
    }

    /** Gives every path under {@code dir}, and {@code dir}, the time {@link #MADE}, deepest first. */
    public static Path touchAll(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                if (!Files.isSymbolicLink(path)) {
                    Files.setLastModifiedTime(path, MADE);
                }
            }
        }
        return dir;
    }
}
