package dev.jreg.cli;

import dev.jreg.VerifyReport;
import dev.jreg.model.Digest;

/** {@code jreg verify}: check the local store. */
final class VerifyCommand extends Subcommand {
    private boolean repair;

    @Override
    CommandModel model() {
        return CommandModel.of("verify", this,
                        "Check the local store: every blob hashes to its name, every name reaches complete content.",
                        "Exits 6 when something is wrong; --repair deletes corrupt blobs and keeps every name: pull an "
                                + "incomplete image again to fetch what is missing (a pull checks that stored blobs are "
                                + "present at their sizes; it does not hash them again).")
                .flag("--repair", "Delete corrupt blobs; names stay, incomplete until pulled again.",
                        v -> repair = v);
    }

    @Override
    public Integer call() throws Exception {
        VerifyReport report = root.open().verify(repair);
        var out = root.context().out();
        for (Digest digest : report.corrupt()) {
            out.println((repair ? "Deleted corrupt blob: " : "Corrupt blob: ") + digest);
        }
        for (String name : report.incomplete()) {
            out.println("Incomplete image: " + name + (repair ? " (kept: pull it to fetch what is missing)" : ""));
        }
        out.println("Checked " + report.blobsChecked() + " blobs: " + (report.clean() ? "store is clean"
                : report.corrupt().size() + " corrupt; " + report.incomplete().size()
                        + (report.incomplete().size() == 1 ? " image" : " images") + " incomplete"
                        + (repair ? " (repaired)" : "")));
        return report.clean() || repair ? ExitCodes.OK : ExitCodes.DIGEST_MISMATCH;
    }
}
