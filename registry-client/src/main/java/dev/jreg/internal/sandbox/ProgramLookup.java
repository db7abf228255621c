package dev.jreg.internal.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A command's program looked up inside the root filesystem before anything starts, as runc looks
 * it up for docker (Go's {@code exec.LookPath}): a name with {@code /} is taken as it is, relative
 * to the working directory, any other is searched in {@code PATH}; it must be a file with an
 * execute bit.
 */
final class ProgramLookup {
    /**
     * Why a program cannot run, in runc's words, and docker's exit status for it.
     *
     * @param message {@code exec: "nosuch": executable file not found in $PATH}
     * @param status 127 when there is no such file, 126 when there is one that cannot run
     */
    record Refusal(String message, int status) {
    }

    private ProgramLookup() {
    }

    /**
     * @param workingDirectory the working directory inside the root filesystem, for relative names
     * @param path the command's {@code PATH}
     * @return null when the program can run
     */
    static Refusal check(Path root, String workingDirectory, String program, String path) throws IOException {
        if (program.contains("/")) {
            String reason = unrunnable(root, workingDirectory, program);
            return reason == null ? null : new Refusal("exec: \"" + program + "\": " + reason,
                    reason.startsWith("stat ") ? 127 : 126);
        }
        for (String dir : path.split(":", -1)) {
            if (unrunnable(root, workingDirectory, (dir.isEmpty() ? "." : dir) + "/" + program) == null) {
                return null;
            }
        }
        return new Refusal("exec: \"" + program + "\": executable file not found in $PATH", 127);
    }

    /** Why {@code file} cannot run, as Go's {@code findExecutable} says it, or null when it can. */
    private static String unrunnable(Path root, String workingDirectory, String file) throws IOException {
        Path resolved = RootPath.resolve(root, file.startsWith("/") ? file : workingDirectory + "/" + file);
        if (!Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
            return "stat " + file + ": no such file or directory";
        }
        if (Files.isDirectory(resolved, LinkOption.NOFOLLOW_LINKS)) {
            return "is a directory";
        }
        int mode = (Integer) Files.getAttribute(resolved, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & 0111) != 0 ? null : "permission denied";
    }
}
