package dev.jreg.cli;

import dev.jreg.ImageLocation;
import dev.jreg.Jreg;
import dev.jreg.PlatformSelector;
import dev.jreg.UnpackResult;
import dev.jreg.error.ImageNotFoundException;
import dev.jreg.error.NoMatchingPlatformException;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.nio.file.Path;
import java.util.List;

/** {@code jreg unpack}: an image's root filesystem in a directory, every layer applied in order. */
final class UnpackCommand extends Subcommand {
    private static final List<String> PULL_POLICIES = List.of("missing", "always", "never");

    private String image;
    private String directory;
    private String platform;
    private String pull = "missing";
    private boolean quiet;

    @Override
    CommandModel model() {
        return CommandModel.of("unpack", this,
                        "Unpack an image's root filesystem into a directory.",
                        "Every layer is applied in order, read verified, whiteouts applied, and nothing written "
                                + "outside DIR; owners are set when running as root. DIR must be missing or empty, "
                                + "and holds the filesystem only: what the unpack wrote is recorded in the local "
                                + "store, so that 'jreg commit DIR NEWNAME' finds the base and the changes. A name "
                                + "the store lacks, or holds of another platform than --platform, is pulled first, as "
                                + "'docker create' pulls it (--pull). If the unpack fails or is stopped, DIR is "
                                + "removed when unpack made it, emptied otherwise. The line it prints on stderr counts the regular files written and their bytes as they lie in "
                                + "DIR (each file once, as du counts them), not the compressed size 'jreg images' "
                                + "shows.")
                .footer("",
                        "Examples:",
                        "  jreg unpack nginx:1.24.0 rootfs",
                        "  jreg unpack --platform linux/arm64 local:app:1 /tmp/app",
                        "  jreg unpack oci:/tmp/layout:app:1 rootfs")
                .storedImage()
                .parameter("IMAGE", "NAME[:TAG|@DIGEST] or image ID of the store, local:NAME, or oci:DIR[:NAME].",
                        v -> image = v)
                .file()
                .parameter("DIR", "The directory to unpack into: missing or empty.", v -> directory = v)
                .option("--platform", "OS/ARCH[/VARIANT]",
                        "From an index, this platform's image (default: this machine's).", v -> platform = v)
                .option("--pull", "missing|always|never", "Pull a name from its registry first: when the store lacks"
                        + " it (default), always, or never.", v -> pull = v)
                .flag("-q, --quiet", "Print nothing but warnings and errors.", v -> quiet = v)
                .with(root::networkOptions);
    }

    @Override
    public Integer call() throws Exception {
        if (!PULL_POLICIES.contains(pull)) {
            throw new IllegalArgumentException("--pull must be missing, always or never, not \"" + pull + "\"");
        }
        if (directory.isEmpty()) {
            // Path.of("") is the working directory: an empty word is a mistake, not a request for that.
            throw new IllegalArgumentException("DIR is \"\": name the directory to unpack into (. for this one)");
        }
        Platform wanted = platform == null ? null : Platform.parse(platform);
        // An image ID is the store's alone: never pulled, as no registry knows images by it.
        boolean named = !image.startsWith("oci:") && !image.startsWith("local:") && !ImageLocation.isImageId(image);
        if (!named && pull.equals("always")) {
            throw new IllegalArgumentException("--pull always takes an image name, not " + image);
        }
        Jreg jreg = root.open(quiet);
        ImageLocation location = null;
        if (named && pull.equals("always")) {
            location = pulled(jreg);
        } else {
            try {
                location = LocationOptions.stored(jreg, image);
            } catch (ImageNotFoundException missing) {
                if (!named || pull.equals("never")) {
                    throw missing;
                }
            }
        }
        boolean pulledNow = location == null || pull.equals("always");
        if (location == null) {
            location = pulledMissing(jreg);
        }
        UnpackResult result;
        try {
            result = jreg.unpack(location, wanted, Path.of(directory));
        } catch (NoMatchingPlatformException otherPlatform) {
            // As docker create --platform: the store's image of another platform is no image of this one.
            if (!named || pulledNow || !pull.equals("missing") || !(location instanceof ImageLocation.Local)) {
                throw otherPlatform;
            }
            location = pulledMissing(jreg);
            result = jreg.unpack(location, wanted, Path.of(directory));
        }
        if (!quiet) {
            String shown = location instanceof ImageLocation.Local local ? local.reference().familiar()
                    : location instanceof ImageLocation.LocalDigest ? image.replaceFirst("^local:", "") : image;
            // The bytes on disk, as du counts them: not the compressed size images and inspect show.
            root.context().err().println("Unpacked " + shown + " (" + result.layers()
                    + (result.layers() == 1 ? " layer; " : " layers; ") + result.files()
                    + (result.files() == 1 ? " file, " : " files, ") + Sizes.human(result.bytes()) + " unpacked) into "
                    + result.directory());
        }
        return ExitCodes.OK;
    }

    /** Says the store lacks the image, as docker create does, and pulls it. */
    private ImageLocation pulledMissing(Jreg jreg) throws Exception {
        if (!quiet) {
            root.context().err().println("Unable to find image '" + Reference.parse(image).familiar() + "' locally");
        }
        return pulled(jreg);
    }

    /** Pulls the name, as {@code docker create} pulls an image, and gives where the store now holds it. */
    private ImageLocation pulled(Jreg jreg) throws Exception {
        Reference reference = Reference.parse(image);
        PullCommand.pull(root, jreg, reference, PlatformSelector.only(platform == null ? Platform.host()
                : Platform.parse(platform)), quiet);
        return LocationOptions.stored(jreg, image);
    }
}
