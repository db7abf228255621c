package dev.jreg.cli;

import dev.jreg.CommitOptions;
import dev.jreg.CommitResult;
import dev.jreg.ConfigChange;
import dev.jreg.ImageLocation;
import dev.jreg.Jreg;
import dev.jreg.LayerCompression;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code jreg commit}: a new image from a directory's changes against its base, or from files
 * added to a base, with config edits, as {@code docker commit} makes one from a container.
 */
final class CommitCommand extends Subcommand {
    private List<String> arguments = List.of();
    private String base;
    /** Picocli hands a repeated option's whole list at each occurrence. */
    private List<String> additions = List.of();
    private List<String> changes = List.of();
    private String author;
    private String message;
    private String compression = "gzip";
    private String timestamp;
    private String platform;
    private boolean quiet;
    private boolean checksum;

    @Override
    CommandModel model() {
        return CommandModel.of("commit", this,
                        "Make a new image from a directory's changes, or from files added to a base.",
                        "With DIR, the new layer is DIR's difference from the base: against DIR's unpack record "
                                + "when 'jreg unpack' made it from that base (the base is then optional), else "
                                + "against the base's files by type, size, mode and time (and content with "
                                + "--checksum). Deletions become "
                                + "whiteouts. Unchanged, DIR makes no layer, as docker commit makes none. With "
                                + "--add, the files are the new layer; with neither, only the config changes. "
                                + "Prints the new image's ID.")
                .synopsis("jreg commit [OPTIONS] [--base IMAGE] DIR NEWNAME",
                        "jreg commit [OPTIONS] --base IMAGE [--add SRC[:DEST]]... NEWNAME")
                .footer("",
                        "Examples:",
                        "  jreg unpack nginx:1.24.0 rootfs",
                        "  echo hi > rootfs/hi && jreg commit rootfs web:hi",
                        "  jreg commit --base alpine --add app:/opt/app -c 'CMD [\"/opt/app/run\"]' app:1",
                        "  jreg commit --base app:1 -c 'ENV MODE=prod' -c 'EXPOSE 8080' app:prod",
                        "  SOURCE_DATE_EPOCH=0 jreg commit --compression zstd rootfs web:2",
                        "  jreg commit --checksum rootfs web:3")
                .file()
                .parameters("[DIR] NEWNAME", 2, "DIR, the new root filesystem (optional), then"
                        + " NEWNAME, the new image's one name.", v -> arguments = v)
                .storedImage()
                .option("--base", "IMAGE", "The image to build on: a name or ID in the store, local:NAME or"
                        + " oci:DIR[:NAME] (default: the image DIR was unpacked from).", v -> base = v)
                .file()
                .repeatable("--add", "SRC[:DEST]", "Add a file or directory as the new layer, at DEST (default /:"
                        + " a directory's content at the root) (repeatable).", v -> additions = v)
                .repeatable("-c, --change", "INSTRUCTION", "Apply a Dockerfile instruction: " + String.join(", ",
                        ConfigChange.INSTRUCTIONS) + " (repeatable).", v -> changes = v)
                .option("-a, --author", "AUTHOR", "The author (e.g. \"Dana <dana@example.com>\").", v -> author = v)
                .option("-m, --message", "MESSAGE", "The history entry's comment.", v -> message = v)
                .option("--compression", "gzip|zstd", "The new layer's compression (default: gzip; zstd needs an"
                        + " OCI base).", v -> compression = v)
                .option("--timestamp", "EPOCH|RFC3339", "The creation time, and the latest modification time the"
                        + " layer keeps, for reproducible digests (default: SOURCE_DATE_EPOCH, else now and no"
                        + " clamp).", v -> timestamp = v)
                .option("--platform", "OS/ARCH[/VARIANT]",
                        "From a base that is an index, this platform's image (default: this machine's).",
                        v -> platform = v)
                .flag("--checksum", "Compare DIR's files with the base's by content too, not only by type,"
                        + " size, mode and time (reads the base's layers again).", v -> checksum = v)
                .flag("-q, --quiet", "Print only the new image's ID.", v -> quiet = v);
    }

    @Override
    public Integer call() throws Exception {
        Reference name = References.storeReference(arguments.get(arguments.size() - 1), "NEWNAME");
        if (arguments.size() == 2 && arguments.get(0).isEmpty()) {
            // Path.of("") is the working directory: an empty word is a mistake, not a request for that.
            throw new IllegalArgumentException("DIR is \"\": name the directory to commit (. for this one)");
        }
        Path directory = arguments.size() == 2 ? Path.of(arguments.get(0)) : null;
        if (directory != null && !additions.isEmpty()) {
            throw new IllegalArgumentException("commit takes DIR or --add, not both");
        }
        if (checksum && directory == null) {
            throw new IllegalArgumentException("--checksum compares DIR's files, and commit has no DIR");
        }
        if (directory == null && base == null) {
            throw new IllegalArgumentException("commit needs a base: --base IMAGE, or DIR made by 'jreg unpack'");
        }
        if (!compression.equals("gzip") && !compression.equals("zstd")) {
            throw new IllegalArgumentException("--compression must be gzip or zstd, not \"" + compression + "\"");
        }
        List<ConfigChange> edits = changes.stream().map(ConfigChange::parse).toList();
        List<CommitOptions.Addition> added = additions.stream().map(CommitOptions.Addition::parse).toList();
        Instant time = Timestamps.clamp(timestamp, root.context().env());
        Jreg jreg = root.open(quiet);
        ImageLocation baseLocation = base == null ? null : LocationOptions.stored(jreg, base);
        CommitResult result = jreg.commit(name, new CommitOptions(baseLocation,
                platform == null ? null : Platform.parse(platform), directory, added, edits, author, message,
                LayerCompression.valueOf(compression.toUpperCase(Locale.ROOT)), time,
                createdBy(added, edits), checksum));
        if (!quiet) {
            String made = result.layer() != null ? "new layer " + result.layer().digest().shortHex() + " ("
                    + result.entries() + (result.entries() == 1 ? " entry, " : " entries, ")
                    + Sizes.human(result.layer().size()) + ")"
                    : directory != null ? "no changes in " + directory.toRealPath() + ", so no layer, as docker commit"
                    : "config changes only, no layer";
            root.context().err().println("Committed " + result.name().familiar() + ": " + made);
        }
        root.context().out().println(result.imageId());
        return ExitCodes.OK;
    }

    /**
     * The history entry's {@code created_by}: what was committed, as a command line that holds
     * nothing of this machine's (no directory, no source path, only its name), so that the same
     * inputs give the same digest wherever they are.
     */
    private static String createdBy(List<CommitOptions.Addition> added, List<ConfigChange> edits) {
        StringBuilder line = new StringBuilder("jreg commit");
        for (CommitOptions.Addition addition : added) {
            Path file = addition.source().getFileName();
            line.append(" --add ").append(quoted((file == null ? "/" : file.toString()) + ":" + addition.destination()));
        }
        for (ConfigChange edit : edits) {
            line.append(" -c ").append(quoted(edit.toString()));
        }
        return line.toString();
    }

    /** A word as a POSIX shell reads it back: in single quotes when it holds anything but plain characters. */
    private static String quoted(String word) {
        return word.matches("[A-Za-z0-9_./:=@%+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
