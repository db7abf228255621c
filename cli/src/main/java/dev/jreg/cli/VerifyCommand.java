package dev.jreg.cli;

import dev.jreg.layout.VerifyReport;
import dev.jreg.model.Digest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code jreg verify}: check the local store. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check the local store: every blob hashes to its name, every name reaches complete content.",
            "Exits 6 when something is wrong; --repair deletes corrupt blobs and drops incomplete names."})
final class VerifyCommand implements Callable<Integer>, MovesBlobs {
    @ParentCommand
    private JregCommand root;

    @Option(names = "--repair", description = "Delete corrupt blobs and drop names whose content is incomplete.")
    private boolean repair;

    @Override
    public Integer call() throws Exception {
        VerifyReport report = root.open().verify(repair);
        var out = root.context().out();
        for (Digest digest : report.corrupt()) {
            out.println((repair ? "Deleted corrupt blob: " : "Corrupt blob: ") + digest);
        }
        for (String name : report.incomplete()) {
            out.println((repair ? "Dropped incomplete image: " : "Incomplete image: ") + name);
        }
        out.println("Checked " + report.blobsChecked() + " blobs: " + (report.clean() ? "store is clean"
                : report.corrupt().size() + " corrupt, " + report.incomplete().size() + " incomplete"
                        + (repair ? " (repaired)" : "")));
        return report.clean() || repair ? ExitCodes.OK : ExitCodes.DIGEST_MISMATCH;
    }
}
