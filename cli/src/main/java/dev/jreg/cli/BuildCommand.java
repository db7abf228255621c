package dev.jreg.cli;

import dev.jreg.BuildNetwork;
import dev.jreg.BuildOptions;
import dev.jreg.BuildResult;
import dev.jreg.Jreg;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code jreg build}: an image from a Dockerfile, as {@code docker build} makes one, without a daemon. */
final class BuildCommand extends Subcommand {
    private static final Set<String> PROGRESS = Set.of("auto", "plain", "json");
    private static final Set<String> NETWORKS = Set.of("default", "none");
    /** The name that stands for standard input, as docker takes it. */
    private static final String STDIN = "-";

    private String context;
    /** Picocli hands a repeated option's whole list at each occurrence. */
    private List<String> tags = List.of();
    private String file;
    private List<String> buildArgs = List.of();
    private String target;
    private String platform;
    private List<String> labels = List.of();
    private boolean noCache;
    private boolean pull;
    private boolean push;
    private String iidfile;
    /** The --progress flag, null when not given: then {@code BUILDKIT_PROGRESS}, else auto, as docker takes them. */
    private String progress;
    private String timestamp;
    private String network = "default";
    private boolean quiet;

    @Override
    CommandModel model() {
        return CommandModel.of("build", this,
                        "Build an image from a Dockerfile, without a daemon.",
                        "Builds the stages the target needs, each step cached in the local store (a rebuild with "
                                + "nothing changed makes no new blob), and names the image in the store. Progress "
                                + "goes to stderr; the image ID is printed last on stdout. RUN runs its command in a "
                                + "bubblewrap sandbox (bwrap).")
                .footer("",
                        "Examples:",
                        "  jreg build -t myapp .",
                        "  jreg build -t myapp:1 -f docker/Dockerfile --build-arg VERSION=1.2 .",
                        "  jreg build --target builder --no-cache -t myapp:build .",
                        "  SOURCE_DATE_EPOCH=0 jreg build -t localhost:5000/myapp:1 --push .",
                        "  jreg build -f - . < Dockerfile.dev",
                        "  jreg build -q - < Dockerfile")
                .parameter("CONTEXT", "The build context: a directory, or - for a Dockerfile on stdin and no"
                        + " context.", v -> context = v)
                .repeatable("-t, --tag", "NAME[:TAG]", "Name the image in the local store (repeatable).",
                        v -> tags = v)
                .option("-f, --file", "PATH|-", "The Dockerfile (default: CONTEXT/Dockerfile; - reads it from"
                        + " stdin).", v -> file = v)
                .repeatable("--build-arg", "NAME[=VALUE]", "A build argument; NAME alone takes the environment's"
                        + " value (repeatable).", v -> buildArgs = v)
                .option("--target", "STAGE", "The stage to build (default: the last).", v -> target = v)
                .option("--platform", "OS/ARCH[/VARIANT]", "The platform to build for, which picks base images of"
                        + " an index (default: this machine's).", v -> platform = v)
                .repeatable("--label", "NAME=VALUE", "A label on the image (repeatable).", v -> labels = v)
                .flag("--no-cache", "Take nothing from the build cache.", v -> noCache = v)
                .flag("--pull", "Pull every base image, even one the local store has.", v -> pull = v)
                .flag("--push", "Push each name to its registry once the image is built.", v -> push = v)
                .option("--iidfile", "FILE", "Write the image ID to FILE.", v -> iidfile = v)
                .option("--progress", "auto|plain|json", "How progress shows: a line a step on a terminal (auto),"
                        + " BuildKit's plain lines, or JSON lines (default: BUILDKIT_PROGRESS, else auto).",
                        v -> progress = v)
                .option("--timestamp", "EPOCH|RFC3339", "The time of the history, and the latest file time kept,"
                        + " for reproducible images (default: SOURCE_DATE_EPOCH, else now and no clamp).",
                        v -> timestamp = v)
                .option("--network", "default|none", "The network RUN reaches (default: default).", v -> network = v)
                .flag("-q, --quiet", "Print only the image ID.", v -> quiet = v)
                .with(root::networkOptions);
    }

    @Override
    public Integer call() throws Exception {
        String shown = progress();
        if (!NETWORKS.contains(network)) {
            throw new IllegalArgumentException("--network must be default or none, not \"" + network + "\"");
        }
        boolean stdinContext = context.equals(STDIN);
        if (stdinContext && file != null) {
            throw new IllegalArgumentException("with CONTEXT -, the Dockerfile comes from stdin: -f takes no other");
        }
        CliContext cli = root.context();
        String text = stdinContext || STDIN.equals(file)
                ? new String(cli.stdin().readAllBytes(), StandardCharsets.UTF_8) : null;
        Path dockerfile = file == null || STDIN.equals(file) ? null : Path.of(file);
        List<Reference> names = new ArrayList<>();
        for (String tag : tags) {
            Reference name = Reference.parse(tag);
            names.add(name.tag() == null && name.digest() == null ? name.withTag("latest") : name);
        }
        Instant time = Timestamps.clamp(timestamp, cli.env());
        Path iid = iidfile == null ? null : Path.of(iidfile);
        if (iid != null) {
            Path folder = iid.toAbsolutePath().getParent();
            if (!Files.isDirectory(folder)) {
                // before any work: an image built and named, then no ID written, helps no script
                throw new IllegalArgumentException("--iidfile " + iidfile + ": no such directory " + folder);
            }
            Files.deleteIfExists(iid); // as docker: no stale ID is left when the build fails
        }
        BuildOutput output = new BuildOutput(root, mode(shown));
        Jreg jreg = root.open(quiet);
        BuildResult result = jreg.build(new BuildOptions(stdinContext ? null : Path.of(context), dockerfile, text,
                buildArgs(cli.env()), target, platform == null ? null : Platform.parse(platform), labels(), noCache,
                pull, names, push, time, BuildNetwork.valueOf(network.toUpperCase(Locale.ROOT)), output));
        if (iid != null) {
            Files.writeString(iid, result.imageId().toString(), StandardCharsets.UTF_8);
        }
        cli.out().println(result.imageId());
        return ExitCodes.OK;
    }

    /** The progress asked for: {@code --progress}, else {@code BUILDKIT_PROGRESS} as docker reads it, else auto. */
    private String progress() {
        String fromEnvironment = root.context().env().get("BUILDKIT_PROGRESS");
        boolean flag = progress != null || fromEnvironment == null || fromEnvironment.isEmpty();
        String chosen = progress != null ? progress : flag ? "auto" : fromEnvironment;
        if (!PROGRESS.contains(chosen)) {
            throw new IllegalArgumentException((flag ? "--progress" : "BUILDKIT_PROGRESS")
                    + " must be auto, plain or json, not \"" + chosen + "\"");
        }
        return chosen;
    }

    private BuildOutput.Mode mode(String shown) {
        if (quiet) {
            return BuildOutput.Mode.QUIET;
        }
        boolean terminal = root.context().terminal() && !"dumb".equals(root.context().env().get("TERM"));
        return switch (shown) {
            case "json" -> BuildOutput.Mode.JSON;
            case "plain" -> BuildOutput.Mode.PLAIN;
            default -> terminal ? BuildOutput.Mode.TTY : BuildOutput.Mode.PLAIN;
        };
    }

    /** {@code NAME=VALUE}s; a {@code NAME} alone takes the environment's value, and is left out when it has none. */
    private Map<String, String> buildArgs(Map<String, String> env) {
        Map<String, String> args = new LinkedHashMap<>();
        for (String arg : buildArgs) {
            int equals = arg.indexOf('=');
            if (equals == 0) {
                throw new IllegalArgumentException("--build-arg takes NAME[=VALUE], not \"" + arg + "\"");
            }
            if (equals > 0) {
                args.put(arg.substring(0, equals), arg.substring(equals + 1));
            } else if (env.containsKey(arg)) {
                args.put(arg, env.get(arg));
            }
        }
        return args;
    }

    /** {@code NAME=VALUE}s; a {@code NAME} alone is an empty label, as docker sets it. */
    private Map<String, String> labels() {
        Map<String, String> values = new LinkedHashMap<>();
        for (String label : labels) {
            int equals = label.indexOf('=');
            if (equals == 0) {
                throw new IllegalArgumentException("--label takes NAME=VALUE, not \"" + label + "\"");
            }
            values.put(equals < 0 ? label : label.substring(0, equals), equals < 0 ? "" : label.substring(equals + 1));
        }
        return values;
    }
}
