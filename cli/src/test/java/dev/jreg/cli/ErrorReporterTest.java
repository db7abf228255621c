package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An Error escaping a command is one line and exit code 70, with the stack trace only under --debug. */
class ErrorReporterTest {
    private final StringWriter err = new StringWriter();

    private ErrorReporter reporter(String... globalFlags) {
        CliContext context = new CliContext(Map.of(), Path.of("/nonexistent"), new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(), new PrintWriter(new StringWriter()), new PrintWriter(err, true), false);
        JregCommand root = new JregCommand(context);
        new picocli.CommandLine(root.spec()).parseArgs(globalFlags);
        return new ErrorReporter(context, root);
    }

    @Test
    void aMissingClassIsOneInternalErrorLine() {
        int code = reporter().report(new NoClassDefFoundError("org/bouncycastle/cert/jcajce/JcaX509CertificateConverter"));
        assertEquals(70, code);
        assertEquals("jreg: internal error: java.lang.NoClassDefFoundError: org/bouncycastle/cert/jcajce/"
                + "JcaX509CertificateConverter (--debug prints the stack trace)\n", err.toString());
    }

    @Test
    void anErrorWrappedByAWorkerThreadIsStillInternal() {
        int code = reporter().report(new IOException(new OutOfMemoryError("Java heap space")));
        assertEquals(70, code);
        assertEquals(1, err.toString().lines().count(), err::toString);
        assertTrue(err.toString().startsWith("jreg: internal error: java.lang.OutOfMemoryError: Java heap space"), err::toString);
    }

    @Test
    void debugAddsTheStackTrace() {
        reporter("--debug").report(new NoClassDefFoundError("x/Y"));
        assertTrue(err.toString().startsWith("jreg: internal error: java.lang.NoClassDefFoundError: x/Y\n"), err::toString);
        assertTrue(err.toString().lines().count() > 2, err::toString);
        assertTrue(err.toString().contains("\tat "), err::toString);
    }

    @Test
    void ordinaryFailuresAreNotInternal() {
        int code = reporter().report(new IOException("disk full"));
        assertEquals(1, code);
        assertFalse(err.toString().contains("internal"), err::toString);
    }

    /** The JDK's file errors carry only a path; the line says what is wrong with it. */
    @Test
    void fileErrorsWithoutAReasonSayWhatIsWrong() {
        assertEquals("cannot create /tmp/afile: a file of that name is in the way",
                ErrorReporter.message(new FileAlreadyExistsException("/tmp/afile")));
        assertEquals("not a directory: /tmp/afile/sub", ErrorReporter.message(new NotDirectoryException("/tmp/afile/sub")));
        assertEquals("no such file or directory: /tmp/gone", ErrorReporter.message(new NoSuchFileException("/tmp/gone")));
        assertEquals("permission denied: /nonexistent", ErrorReporter.message(new AccessDeniedException("/nonexistent")));
        assertEquals("cannot use /proc/x", ErrorReporter.message(new FileSystemException("/proc/x")));
        assertEquals("/tmp/l: no such directory",
                ErrorReporter.message(new NoSuchFileException("/tmp/l", null, "no such directory")));
    }

    @Test
    void aCopyIntoAPathThatIsAFileIsOneSentence(@TempDir Path dir) throws IOException {
        dev.jreg.testing.TestImages.writeImage(dev.jreg.internal.layout.OciLayout.open(dir.resolve("src")),
                dev.jreg.model.Reference.parse("a:1"), dev.jreg.model.Platform.of("linux", "amd64", null),
                java.util.List.of(dev.jreg.testing.TestImages.layer(7, 100)));
        Path file = java.nio.file.Files.writeString(dir.resolve("afile"), "hi\n");
        for (String target : new String[] {"oci:" + file + ":y", "oci:" + file + "/sub:y"}) {
            Cli.Result result = new Cli(dir, dir.resolve("store")).run("copy", "oci:" + dir.resolve("src"), target);
            String last = result.err().lines().reduce((a, b) -> b).orElse("") + "\n";
            assertEquals(1, result.exitCode(), result::toString);
            // The layout's folder, or its index.json, cannot be made or read under a file: a sentence either way.
            assertTrue(last.matches("jreg: (cannot create " + java.util.regex.Pattern.quote(file.toString())
                    + ".*: a file of that name is in the way|not a directory: .*|.*/index\\.json: Not a directory)\n"),
                    result::toString);
        }
    }
}
