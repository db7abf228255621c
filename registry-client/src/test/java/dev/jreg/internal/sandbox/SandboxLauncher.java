package dev.jreg.internal.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A command run through the sandbox by a JVM of its own, for the tests that need one: as an
 * ordinary user, or stopped as jreg would be. Arguments: {@code ROOTFS USER ARGV...}; the command
 * runs with {@code PATH=/bin} in {@code /}, with the network. Its lines go to stdout; the JVM exits
 * with its status.
 */
public final class SandboxLauncher {
    private SandboxLauncher() {
    }

    public static void main(String[] args) throws Exception {
        List<String> argv = Arrays.asList(args).subList(2, args.length);
        int status = Sandbox.onThisMachine().run(Path.of(args[0]),
                new RunSpec(argv, List.of("PATH=/bin"), "/", args[1], RunSpec.Network.DEFAULT), line -> {
                    System.out.println(line);
                    System.out.flush();
                });
        System.exit(status);
    }

    /** The command line that starts it: this JVM's java, the library's classes and the tests' (nothing else is needed). */
    static List<String> command(String... args) throws Exception {
        String classpath = Path.of(Sandbox.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + ":"
                + Path.of(SandboxLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", classpath, SandboxLauncher.class.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
