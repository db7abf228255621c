package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
