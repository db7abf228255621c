package dev.jreg.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * The process's stdout, which knows when its reader went away: a write to a pipe or socket that
 * fails (the JVM ignores SIGPIPE, so a closed pipe is an {@code IOException}) marks it closed and
 * throws {@link Closed}. Where a shell's process would have been killed by SIGPIPE, jreg then
 * exits quietly with the status the shell gives that process. Only this stream's own writes mark
 * it: a socket to a registry that breaks is an error like any other, whatever its message says.
 * A write that fails otherwise (a full disk) is kept, and thrown saying it was stdout's: text
 * goes through a {@link java.io.PrintWriter}, which swallows the failure, so the run asks
 * {@link #failure()} once it is over.
 */
final class StdoutStream extends OutputStream {
    /** A write to stdout failed because its reader is gone. */
    static final class Closed extends IOException {
        Closed(IOException cause) {
            super("stdout was closed", cause);
        }
    }

    private final OutputStream out;
    private final BooleanSupplier readerMayGo;
    private volatile boolean closed;
    private volatile IOException failure;

    /**
     * @param out where the bytes go
     * @param readerMayGo whether {@code out} is a pipe or socket, asked once a write fails
     */
    StdoutStream(OutputStream out, BooleanSupplier readerMayGo) {
        this.out = out;
        this.readerMayGo = readerMayGo;
    }

    /** File descriptor 1, itself: {@code System.out} would swallow a failed write rather than report it. */
    static StdoutStream system() {
        return new StdoutStream(new FileOutputStream(FileDescriptor.out), StdoutStream::pipeOrSocket);
    }

    /** True once a write failed because the reader went away. */
    boolean closed() {
        return closed;
    }

    /** The first failed write that was not to a closed reader, or null. */
    IOException failure() {
        return failure;
    }

    @Override
    public void write(int b) throws IOException {
        try {
            out.write(b);
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    private IOException failed(IOException e) {
        if (closed || readerMayGo.getAsBoolean()) {
            closed = true;
            return new Closed(e);
        }
        if (failure == null) {
            failure = new IOException("cannot write to stdout: " + e.getMessage(), e);
        }
        return failure;
    }

    /** On Linux the descriptor's link names a pipe {@code pipe:[…]} or a socket {@code socket:[…]}. */
    private static boolean pipeOrSocket() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
            return target.startsWith("pipe:") || target.startsWith("socket:");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
