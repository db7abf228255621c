package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the {@code ./jreg} launcher says while it prepares: a copy of it in a tree of its own, with
 * a stand-in {@code mvn} (which "builds" the jar) and {@code java} (which "records" the archive and
 * otherwise says it ran) first on the PATH, so that the build and the training cost nothing here.
 */
class LauncherMessagesTest {
    /** Each fits 80 columns, as every line jreg prints. */
    static final String BUILDING = "jreg: building jreg from its sources (new or changed): a minute or two";
    static final String RECORDING = "jreg: building a start-up archive for this build and JDK: a few seconds, once";

    @TempDir
    Path root;
    Path jar;

    @BeforeEach
    void tree() throws Exception {
        Files.copy(Cli.LAUNCHER, root.resolve("jreg"));
        for (String dir : List.of("registry-client/src/main", "cli/src/main", "bin")) {
            Files.createDirectories(root.resolve(dir));
        }
        for (String pom : List.of("pom.xml", "registry-client/pom.xml", "cli/pom.xml")) {
            Files.writeString(root.resolve(pom), "<project/>");
        }
        jar = root.resolve("cli/target/jreg.jar");
        script("bin/mvn", "mkdir -p cli/target/lib && echo jar > cli/target/jreg.jar");
        // Records the archive it is asked for; otherwise prints its arguments' last word.
        script("bin/java", "for a in \"$@\"; do case $a in -XX:ArchiveClassesAtExit=*) echo archive > \"${a#*=}\"; exit 0;;"
                + " esac; done; for a in \"$@\"; do last=$a; done; echo \"ran $last\"");
    }

    void script(String path, String body) throws Exception {
        Path file = root.resolve(path);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    Processes.Result launch() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(root.resolve("jreg").toString(), "images").directory(root.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", root.resolve("bin") + ":/usr/bin:/bin");
        builder.environment().put("HOME", root.toString());
        Processes.Result result = Processes.run(builder, null, Duration.ofSeconds(60));
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("ran images\n", new String(result.stdout(), java.nio.charset.StandardCharsets.UTF_8), result.stderr());
        return result;
    }

    @Test
    void theFirstRunSaysTheBuildTakesAMinuteOrTwoThenThatTheArchiveIsRecordedOnce() throws Exception {
        String said = launch().stderr();
        assertEquals(BUILDING + "\n" + RECORDING + "\n", said);
        said.lines().forEach(line -> assertTrue(line.length() <= 80, line.length() + " columns: " + line));
        assertEquals("", launch().stderr(), "nothing to prepare the second time");
    }

    @Test
    void aNewBuildIsTrainedAgainWithOneLine() throws Exception {
        launch();
        // What a rebuild does: the jar is newer than the archive recorded for the last one.
        try (var archives = Files.newDirectoryStream(jar.getParent(), "jreg-*.jsa")) {
            for (Path archive : archives) {
                Files.setLastModifiedTime(archive, FileTime.from(Instant.now().minusSeconds(60)));
            }
        }
        assertEquals(RECORDING + "\n", launch().stderr());
        assertEquals("", launch().stderr());
    }
}
