package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.build.StageExecutor;
import dev.jreg.internal.build.StageExecutors;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.sandbox.MadeUpHosts;
import dev.jreg.internal.sandbox.Sandbox;
import dev.jreg.model.Reference;
import dev.jreg.testing.TreeSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code jreg build} says where {@code RUN} cannot run, on made-up machines
 * ({@link MadeUpHosts}) given to the stage executor as its sandbox: no bubblewrap, user namespaces
 * refused, a base image of another CPU without an emulator. Each is one line naming the
 * {@code RUN} and what is missing, exit 1, found before any work: the store is as it was, though a
 * {@code WORKDIR} before the {@code RUN} would have written a layer.
 */
class BuildPreflightTest {
    private static final String DOCKERFILE = "FROM scratch\nWORKDIR /app\nRUN make\n";
    private static final String CANNOT = "jreg: Dockerfile:3: RUN cannot run here: ";

    @TempDir
    Path store;
    @TempDir
    Path machine;

    private final StringWriter err = new StringWriter();

    @Test
    void withoutBubblewrapTheLineNamesItsPackage() throws Exception {
        assertRefused(MadeUpHosts.withoutBubblewrap(machine), DOCKERFILE,
                CANNOT + "bwrap is not installed: install bubblewrap (apt-get install bubblewrap)");
    }

    @Test
    void refusedUserNamespacesAreSaidWithBubblewrapsReasonAndHowToAllowThem() throws Exception {
        assertRefused(MadeUpHosts.refusingUserNamespaces(machine), DOCKERFILE,
                CANNOT + "bwrap cannot make a user namespace (bwrap: setting up uid map: Permission denied); allow"
                        + " unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1,"
                        + " user.max_user_namespaces > 0, and on Ubuntu kernel.apparmor_restrict_unprivileged_userns=0)");
    }

    @Test
    void aBaseImageOfAnotherCpuWithoutAnEmulatorNamesThePackageThatRegistersOne() throws Exception {
        // The base is never resolved: the stage's platform decides, before any pull.
        assertRefused(MadeUpHosts.withoutEmulators(machine), "FROM --platform=linux/arm64 busybox:1\n"
                + "WORKDIR /app\nRUN make\n", CANNOT + "cannot run linux/arm64 commands on this linux/amd64 machine: no"
                + " binfmt_misc handler for arm64 is registered in " + machine.resolve("binfmt_misc")
                + "; install qemu-user-static (apt-get install qemu-user-static)");
    }

    @Test
    void anOrdinaryUsersBuildNotesOnceBeforeItsFirstRunThatOnlyItsOwnIdIsMapped() throws Exception {
        String note = "note: RUN as an ordinary user maps only your own user ID: files a command gives other owners"
                + " belong to root in the image, and chown to other IDs fails";
        // The commands themselves fail: scratch has no /bin/sh. The note comes before.
        String runs = "FROM scratch\nRUN a\nRUN b\n";
        assertEquals(List.of(note), notices(MadeUpHosts.withoutEmulators(machine), runs));
        assertEquals(List.of(), notices(MadeUpHosts.asRoot(machine), runs), "root's commands work on real owners");
        assertEquals(List.of(), notices(MadeUpHosts.withoutEmulators(machine), "FROM scratch\nWORKDIR /app\n"),
                "no RUN, no note");
    }

    private List<String> notices(Sandbox sandbox, String dockerfile) throws Exception {
        List<String> notices = new ArrayList<>();
        StageExecutor.Request request = new StageExecutor.Request("Dockerfile", dockerfile, null, null, Map.of(),
                null, null, Map.of(), false, false, null, "default");
        try {
            StageExecutors.withSandbox(LocalStore.open(store), sandbox, notices::add).build(request, List.of());
        } catch (Exception commandFailed) {
            assertTrue(dockerfile.contains("RUN"), commandFailed::toString);
        }
        return notices;
    }

    private void assertRefused(Sandbox sandbox, String dockerfile, String line) throws Exception {
        LocalStore local = LocalStore.open(store);
        TreeSnapshot before = TreeSnapshot.of(store);
        StageExecutor.Request request = new StageExecutor.Request("Dockerfile", dockerfile, null, null, Map.of(),
                null, null, Map.of(), false, false, null, "default");
        Throwable failure = assertThrows(Throwable.class,
                () -> StageExecutors.withSandbox(local, sandbox).build(request, List.of(Reference.parse("app"))));
        assertEquals(1, reporter().report(failure), failure::toString);
        assertEquals(line + "\n", err.toString());
        assertEquals("", before.differences(TreeSnapshot.of(store)), "nothing written to the store");
    }

    private ErrorReporter reporter() {
        CliContext context = new CliContext(Map.of(), Path.of("/nonexistent"), new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(), new PrintWriter(new StringWriter()), new PrintWriter(err, true), false);
        return new ErrorReporter(context, new JregCommand(context));
    }
}
