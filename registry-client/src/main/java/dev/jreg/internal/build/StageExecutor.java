package dev.jreg.internal.build;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.error.DockerfileException;
import dev.jreg.error.RunCommandException;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layer.LayerApplier;
import dev.jreg.internal.layer.Compression;
import dev.jreg.internal.layer.Flattener;
import dev.jreg.internal.layer.LayerEntry;
import dev.jreg.internal.layer.LayerWriter;
import dev.jreg.internal.layer.WrittenLayer;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.internal.sandbox.RunSpec;
import dev.jreg.internal.sandbox.Sandbox;
import dev.jreg.internal.sandbox.SandboxUnavailableException;
import dev.jreg.internal.store.VerifiedCopy;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageConfig;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.function.Consumer;

/**
 * Builds a Dockerfile into an image of the store, as {@code docker build} does with BuildKit:
 * the stages the target needs, in order (a stage the target does not need is not built), each
 * from its base — an image of the store, which {@link BuildSources} brings there as
 * {@code jreg pull} would; {@code scratch}; an earlier stage — through its instructions, then
 * the target's config, manifest and names.
 *
 * <p>Each instruction changes the stage's config as docker's builder does ({@link ConfigEditor})
 * and adds a history entry whose {@code created_by} is BuildKit's ({@code COPY . /app/ # buildkit},
 * {@code WORKDIR /app}, {@code CMD ["python" "app.py"]}, {@code empty_layer} for one without a
 * layer). {@code WORKDIR} makes its directory, in a layer of its own, when the stage has none
 * there (owned by the {@code USER}); {@code COPY} and {@code ADD} make a layer of what they copy
 * ({@link FileCopy}). A base image's {@code ONBUILD} triggers (or a base stage's {@code ONBUILD}
 * instructions) run right after {@code FROM}, and the new stage keeps none of them.
 *
 * <p>Steps that write files are cached ({@link StepCache}): the state before them (the base
 * image's manifest digest, the platform, the timestamp and every instruction since, substituted),
 * the instruction and what it reads decide the key, so that a build with nothing changed writes no
 * blob. History times are the build's (its timestamp, or now), a step's without a layer that of
 * the layer before it (or, before any, of the first one after), as BuildKit's exporter dates them;
 * {@code created} is the last entry's. The image has its base's format (OCI, or Docker schema 2 with
 * Docker's media types, as a commit keeps it; OCI on {@code scratch}), its new layers gzip; the names are written last, all at once, so that a build
 * that fails names nothing.
 */
public final class StageExecutor {
    /** What BuildKit's Dockerfile frontend writes into each history entry it makes. */
    private static final String HISTORY_COMMENT = "buildkit.dockerfile.v0";
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final String SCRATCH = "scratch";
    /** The start of every key: a cache made by another form of the executor is never taken. */
    private static final Digest CACHE_FORMAT = Digest.sha256("jreg build cache 1".getBytes(StandardCharsets.UTF_8));
    private static final int MAX_DOCKERIGNORE = 16 << 20;
    /** Linux's MAX_ARG_STRLEN: the bytes of one argument of a program, its NUL included (32 pages). */
    private static final int MAX_ARGUMENT = 32 * 4096;
    /** Where, in the store, the stages' root filesystems are made for their {@code RUN} steps. */
    private static final String BUILD_DIRECTORY = "build";
    /** Said once a build, before its first {@code RUN}, when jreg runs as an ordinary user. */
    static final String ONE_USER_MAPPED = "note: RUN as an ordinary user maps only your own user ID: files a command"
            + " gives other owners belong to root in the image, and chown to other IDs fails";

    /**
     * Deletes what builds killed with {@code kill -9} left in the store: stages' root filesystems
     * under {@code build/} and bases half unpacked into {@code cache/rootfs/}, none that a live
     * build, of this process or another, holds.
     *
     * @return how many directories were deleted
     * @throws IOException when one cannot be deleted
     */
    public static int deleteLeftovers(LocalStore store) throws IOException {
        return RootFilesystem.deleteAbandoned(store.root().resolve(BUILD_DIRECTORY)) + UnpackedBases.deleteUnfinished(store);
    }

    private final LocalStore store;
    private final BuildSources sources;
    private final BuildProgress progress;
    private final Consumer<String> notices;
    private final Sandbox sandbox;

    /**
     * What a build is asked to do.
     *
     * @param dockerfileName the Dockerfile as messages name it ({@code Dockerfile}, {@code build/Dockerfile.dev})
     * @param dockerfileText its content
     * @param dockerfile its path, whose {@code NAME.dockerignore} beside it applies; null when read from standard input
     * @param context the build context's directory; null for none
     * @param buildArgs {@code --build-arg}s, in order
     * @param target the stage to build; null for the last
     * @param platform the platform built for; null for this machine's, and the base's os and architecture kept
     * @param labels {@code --label}s, set on the image last
     * @param noCache take nothing from the cache
     * @param pull pull every base image, even one the store has
     * @param timestamp the time that dates the history and clamps file times ({@code SOURCE_DATE_EPOCH}); null for now
     * @param network the network {@code RUN} reaches unless it says otherwise: {@code default} or {@code none}
     */
    public record Request(String dockerfileName, String dockerfileText, Path dockerfile, Path context,
            Map<String, String> buildArgs, String target, Platform platform, Map<String, String> labels,
            boolean noCache, boolean pull, Instant timestamp, String network) {
        public Request {
            Objects.requireNonNull(dockerfileName, "dockerfileName");
            Objects.requireNonNull(dockerfileText, "dockerfileText");
            buildArgs = Map.copyOf(buildArgs == null ? Map.of() : new LinkedHashMap<>(buildArgs));
            labels = labels == null ? Map.of() : new LinkedHashMap<>(labels);
        }
    }

    /**
     * A built image.
     *
     * @param manifest its manifest in the store
     * @param imageId its config's digest
     * @param steps the steps shown
     * @param cached those taken from the cache (or, for a base image, from the store)
     */
    public record Built(Descriptor manifest, Digest imageId, int steps, int cached) {
    }

    /**
     * @param sources brings base images into the store and fetches URLs
     * @param progress told of each step
     * @param notices one-line notes and warnings for the user
     */
    public StageExecutor(LocalStore store, BuildSources sources, BuildProgress progress, Consumer<String> notices) {
        this(store, sources, progress, notices, Sandbox.onThisMachine());
    }

    /** @param sandbox where {@code RUN} commands run */
    StageExecutor(LocalStore store, BuildSources sources, BuildProgress progress, Consumer<String> notices,
            Sandbox sandbox) {
        this.store = store;
        this.sources = sources;
        this.progress = progress;
        this.notices = notices;
        this.sandbox = sandbox;
    }

    /**
     * Builds the image and names it.
     *
     * @param names the image's names; empty to store it without one
     * @return its manifest, ID and step counts
     * @throws DockerfileException for a Dockerfile or {@code .dockerignore} Docker refuses, a source
     *     that is not there, a value refused once substituted; nothing is written before the
     *     Dockerfile and the stages it needs are checked
     * @throws IllegalArgumentException for a target stage the Dockerfile does not have
     * @throws UnsupportedOperationException when a stage would {@code RUN} and the sandbox cannot run
     *     its platform's commands here (no bubblewrap, user namespaces refused, another CPU), in
     *     one line naming the {@code RUN} and what is missing; checked before any work
     * @throws RunCommandException when a {@code RUN} command ends with a status other than 0
     * @throws IOException as the store, the context or a pull fails
     */
    public Built build(Request request, List<Reference> names) throws IOException {
        Dockerfile dockerfile = DockerfileParser.parse(request.dockerfileName(), request.dockerfileText());
        dockerfile.notes().forEach(notices);
        return new Build(request, dockerfile).run(names);
    }

    /**
     * What a {@code RUN} executes.
     *
     * @param argv the program and its arguments
     * @param pipes the files it sees in {@code /dev/pipes}, by name
     */
    private record RunCommand(List<String> argv, Map<String, String> pipes) {
    }

    /** A stage as the build plans it: its base, the stages it copies from, its name in progress. */
    private record Planned(Dockerfile.Stage stage, Instruction.From from, Dockerfile.Stage base,
            List<Dockerfile.Stage> needs, String shownName) {
    }

    /** One build's state. */
    private final class Build {
        private final Request request;
        private final Dockerfile dockerfile;
        private final Platform targetPlatform;
        private final BuildArgs args;
        private final Scope global;
        private final StepCache cache;
        private final UnpackedBases unpackedBases;
        private final Instant now;
        /** The time of what jreg makes itself: the timestamp, or the epoch. */
        private final Instant made;
        private final LayerWriter writer;
        private final Map<Integer, Planned> plans = new HashMap<>();
        private final Map<Integer, StageState> built = new HashMap<>();
        /** The platforms whose commands the sandbox was found to run. */
        private final Set<Platform> runnable = new HashSet<>();
        private ContextFiles context;
        /** The step begun and not yet finished, which an error ends: progress marks it failed. */
        private BuildProgress.Step running;
        private long runningSince;
        private int steps;
        private int cached;

        Build(Request request, Dockerfile dockerfile) {
            this.request = request;
            this.dockerfile = dockerfile;
            Platform host = Platform.host();
            this.targetPlatform = request.platform() != null ? request.platform() : host;
            this.args = new BuildArgs(request.buildArgs(), host, targetPlatform);
            this.global = args.global(dockerfile);
            this.cache = new StepCache(store, request.noCache());
            this.unpackedBases = new UnpackedBases(store, LayerApplier.runningAsRoot());
            this.now = request.timestamp() != null ? request.timestamp() : Instant.now();
            this.made = request.timestamp() != null ? request.timestamp() : Instant.EPOCH;
            this.writer = LayerWriter.of(Compression.GZIP, Optional.ofNullable(request.timestamp()));
        }

        Built run(List<Reference> names) throws IOException {
            for (Dockerfile.Stage stage : dockerfile.stages()) {
                plans.put(stage.index(), plan(stage));
            }
            Dockerfile.Stage target = target();
            List<Dockerfile.Stage> needed = needed(target);
            preflightRun(needed);
            IgnoreRules ignore = ignoreRules();
            try (Closeable writing = store.copying(); Closeable rootfs = this::closeRootFilesystems) {
                if (request.context() != null) {
                    Path root = request.context().toRealPath();
                    context = new ContextFiles(root, ignore, cache.fileHashes(root));
                }
                try {
                    for (Dockerfile.Stage stage : needed) {
                        state(stage);
                    }
                } catch (IOException | RuntimeException e) {
                    if (running != null) {
                        progress.failed(running, Duration.ofNanos(System.nanoTime() - runningSince), reason(e));
                    }
                    throw e;
                }
                if (context != null) {
                    context.saveHashes();
                }
                List<String> unused = args.unused();
                if (!unused.isEmpty()) {
                    notices.accept("[Warning] One or more build-args " + HistoryText.list(unused)
                            + " were not consumed");
                }
                return write(state(target), names);
            }
        }

        /** An error's message without the {@code Dockerfile:LINE: } of the step that failed, as progress words it. */
        private String reason(Exception e) {
            String message = String.valueOf(e.getMessage());
            String at = dockerfile.name() + ":" + running.line() + ": ";
            return message.startsWith(at) ? message.substring(at.length()) : message;
        }

        /** A stage's base and the stages it copies from, its {@code FROM} substituted in the global scope. */
        private Planned plan(Dockerfile.Stage stage) {
            Instruction.From from = (Instruction.From) global.expand(stage.from());
            if (from.image().isEmpty()) {
                throw error(stage.from(), "base name (" + stage.from().image() + ") should not be blank");
            }
            Dockerfile.Stage base = earlierStage(stage, from.image());
            List<Dockerfile.Stage> needs = new ArrayList<>();
            if (base != null) {
                needs.add(base);
            }
            List<Instruction> instructions = new ArrayList<>(stage.instructions());
            if (base != null) {
                instructions.addAll(triggers(base));
            }
            for (Instruction instruction : instructions) {
                if (instruction instanceof Instruction.Copy copy && copy.from() != null) {
                    stageOf(stage, copy).ifPresent(needs::add);
                }
            }
            String shown = dockerfile.stages().size() == 1 ? null
                    : stage.name() != null ? stage.name() : "stage-" + stage.index();
            return new Planned(stage, from, base, needs, shown);
        }

        /** The earlier stage a {@code FROM} builds on, by name or index; null for an image. */
        private Dockerfile.Stage earlierStage(Dockerfile.Stage stage, String name) {
            return dockerfile.stages().stream().filter(s -> s.index() < stage.index()
                    && (name.equals(s.name()) || name.equals(String.valueOf(s.index())))).findFirst().orElse(null);
        }

        /**
         * The stage {@code COPY --from} names, by name or index; empty for an image.
         *
         * @throws DockerfileException for an index no stage has, or a stage not before this one
         */
        private Optional<Dockerfile.Stage> stageOf(Dockerfile.Stage stage, Instruction.Copy copy) {
            String from = copy.from();
            Optional<Dockerfile.Stage> named = dockerfile.stage(from);
            if (from.matches("[0-9]+") && named.isEmpty()) {
                throw error(copy, "invalid stage index " + from);
            }
            if (named.isPresent() && named.get().index() >= stage.index()) {
                throw error(copy, "cannot copy from stage \"" + from + "\", it needs to be defined before the"
                        + " current stage");
            }
            return named;
        }

        /** The base stage's {@code ONBUILD} instructions' triggers, which a stage built on it runs. */
        private List<Instruction> triggers(Dockerfile.Stage base) {
            return base.instructions().stream().filter(Instruction.Onbuild.class::isInstance)
                    .map(i -> ((Instruction.Onbuild) i).trigger()).toList();
        }

        private Dockerfile.Stage target() {
            if (request.target() == null) {
                return dockerfile.stages().get(dockerfile.stages().size() - 1);
            }
            String wanted = request.target().toLowerCase(Locale.ROOT);
            return dockerfile.stages().stream().filter(s -> wanted.equals(s.name())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("target stage \"" + request.target()
                            + "\" could not be found"));
        }

        /** The stages the target needs, itself included, in the Dockerfile's order. */
        private List<Dockerfile.Stage> needed(Dockerfile.Stage target) {
            Set<Integer> needed = new LinkedHashSet<>();
            List<Dockerfile.Stage> todo = new ArrayList<>(List.of(target));
            while (!todo.isEmpty()) {
                Dockerfile.Stage stage = todo.remove(todo.size() - 1);
                if (needed.add(stage.index())) {
                    todo.addAll(plans.get(stage.index()).needs());
                }
            }
            return dockerfile.stages().stream().filter(s -> needed.contains(s.index())).toList();
        }

        /** The {@code .dockerignore} that applies, or none. */
        private IgnoreRules ignoreRules() throws IOException {
            if (request.context() == null) {
                return IgnoreRules.parse("", "");
            }
            Path file = IgnoreRules.file(request.context(), request.dockerfile());
            try {
                if (Files.size(file) > MAX_DOCKERIGNORE) {
                    throw new DockerfileException(file.toString(), 1, "larger than " + MAX_DOCKERIGNORE + " bytes");
                }
                // Bytes, as docker reads them: one that is not UTF-8 becomes U+FFFD rather than failing.
                return IgnoreRules.parse(file.toString(), new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
            } catch (NoSuchFileException none) {
                return IgnoreRules.parse("", "");
            }
        }

        /** A stage as built, built now if it was not: a trigger of an image may copy from a stage no other needs. */
        private StageState state(Dockerfile.Stage stage) throws IOException {
            StageState state = built.get(stage.index());
            if (state == null) {
                state = stage(plans.get(stage.index()));
                built.put(stage.index(), state);
            }
            return state;
        }

        /** Builds one stage: its base, then the base's triggers and its own instructions. */
        private StageState stage(Planned planned) throws IOException {
            Dockerfile.Stage stage = planned.stage();
            Steps shown = new Steps(planned, stage.instructions());
            StageState state;
            List<Instruction> triggers = new ArrayList<>();
            int triggerLine = stage.from().span().first();
            if (planned.base() != null) {
                StageState parent = state(planned.base());
                state = parent.child(store);
                state.scope = parent.scope.derive(state::env);
                triggers.addAll(triggers(planned.base()));
            } else {
                Platform platform = platform(planned.from());
                if (planned.from().image().equalsIgnoreCase(SCRATCH)) {
                    state = StageState.scratch(store, platform, StepCache.key(CACHE_FORMAT, "FROM scratch",
                            platform.toString(), String.valueOf(request.timestamp())));
                } else {
                    // As BuildKit, the base is resolved (and pulled) before its step shows, when its triggers are known.
                    long start = System.nanoTime();
                    BuildSources.Resolved base = resolve(planned.from(), planned.from().image(), platform);
                    state = StageState.of(store, base, platform, StepCache.key(CACHE_FORMAT, "FROM " + base.manifest(),
                            platform.toString(), String.valueOf(request.timestamp())));
                    for (String expression : state.onBuild()) {
                        try {
                            triggers.add(DockerfileParser.trigger(dockerfile.name(), expression));
                        } catch (DockerfileException e) {
                            throw new DockerfileException(dockerfile.name(), triggerLine, "ONBUILD trigger of "
                                    + base.name() + ": " + e.reason(), e);
                        }
                    }
                    shown.total += 1 + (int) triggers.stream().filter(Build::shown).count();
                    finished(shown.next("FROM " + base.name(), triggerLine, false), start, !base.pulled());
                }
                state.scope = global.stage(state::env);
            }
            state.forgetOnBuild();
            state.defaultPath();
            if (planned.base() != null) {
                shown.total += (int) triggers.stream().filter(Build::shown).count();
            }
            for (Instruction trigger : triggers) {
                dispatch(state, trigger, shown, triggerLine, true);
            }
            for (Instruction instruction : stage.instructions()) {
                dispatch(state, instruction, shown, instruction.span().first(), false);
            }
            return state;
        }

        /** The platform of a {@code FROM}: its {@code --platform}, substituted, or the target's. */
        private Platform platform(Instruction.From from) {
            if (from.platform() == null) {
                return targetPlatform;
            }
            try {
                return Platform.parse(from.platform()).normalized();
            } catch (IllegalArgumentException e) {
                throw error(from, "failed to parse platform " + from.platform() + ": " + e.getMessage());
            }
        }

        /** An image a {@code FROM} or {@code COPY --from} names, in the store. */
        private BuildSources.Resolved resolve(Instruction at, String name, Platform platform) throws IOException {
            try {
                return sources.image(name, platform, request.pull());
            } catch (IllegalArgumentException e) {
                throw error(at, e.getMessage());
            }
        }

        /** Steps of one stage as progress shows them. */
        private final class Steps {
            final String stageName;
            int total;
            int number;

            Steps(Planned planned, List<Instruction> instructions) {
                this.stageName = planned.shownName();
                this.total = (int) instructions.stream().filter(Build::shown).count();
            }

            BuildProgress.Step next(String text, int line, boolean trigger) {
                steps++;
                BuildProgress.Step step = new BuildProgress.Step(stageName, ++number, Math.max(total, number),
                        (trigger ? "ONBUILD " : "") + text, line);
                progress.started(step);
                running = step;
                runningSince = System.nanoTime();
                return step;
            }
        }

        /** Whether progress shows an instruction as a step of its own, as BuildKit does. */
        private static boolean shown(Instruction instruction) {
            return instruction instanceof Instruction.Copy || instruction instanceof Instruction.Add
                    || instruction instanceof Instruction.Run || instruction instanceof Instruction.Workdir;
        }

        private void finished(BuildProgress.Step step, long start, boolean fromCache) {
            running = null;
            if (fromCache) {
                cached++;
                progress.cached(step);
            } else {
                progress.done(step, Duration.ofNanos(System.nanoTime() - start));
            }
        }

        /** One instruction: its words substituted, then its change of the stage. */
        private void dispatch(StageState state, Instruction instruction, Steps shown, int line, boolean trigger)
                throws IOException {
            if (instruction instanceof Instruction.Arg arg) {
                state.scope.declare(arg);
                List<String> declared = new ArrayList<>();
                for (Instruction.Arg.Declaration d : arg.declarations()) {
                    String value = state.scope.argument(d.name());
                    declared.add(value == null ? d.name() : d.name() + "=" + value);
                }
                state.record("ARG " + String.join(" ", declared));
                return;
            }
            Instruction expanded = state.scope.expand(instruction);
            String text = shownText(instruction);
            if (expanded instanceof Instruction.Run run) {
                run(state, run, shown.next(text, line, trigger));
            } else if (expanded instanceof Instruction.Copy copy) {
                copy(state, FileCopy.Spec.of(copy), copy.from(), expanded, shown.next(text, line, trigger), line);
            } else if (expanded instanceof Instruction.Add add) {
                copy(state, FileCopy.Spec.of(add), null, expanded, shown.next(text, line, trigger), line);
            } else if (expanded instanceof Instruction.Workdir workdir) {
                apply(state, workdir, line);
                String directory = state.editor.container().workingDir();
                if (directory.equals("/")) {
                    shown.total--; // nothing to make: BuildKit shows no step
                    state.record("WORKDIR /");
                } else {
                    workdir(state, directory, shown.next(text, line, trigger));
                }
            } else if (expanded instanceof Instruction.Maintainer maintainer) {
                state.author = maintainer.name();
                state.record("MAINTAINER " + maintainer.name());
            } else if (expanded instanceof Instruction.Onbuild onbuild) {
                apply(state, onbuild, line);
                state.key = StepCache.key(state.key, "ONBUILD " + onbuild.expression());
            } else {
                apply(state, expanded, line);
                state.record(configText(state, expanded));
            }
        }

        /** The instruction as progress shows it: as written, its keyword upper case. */
        private static String shownText(Instruction instruction) {
            String written = instruction.span().text();
            int blank = written.indexOf(' ');
            return blank < 0 ? written.toUpperCase(Locale.ROOT)
                    : written.substring(0, blank).toUpperCase(Locale.ROOT) + written.substring(blank);
        }

        private void apply(StageState state, Instruction instruction, int line) {
            try {
                state.editor.apply(instruction);
            } catch (IllegalArgumentException e) {
                throw new DockerfileException(dockerfile.name(), line, e.getMessage(), e);
            }
        }

        /** The {@code created_by} of an instruction that changes the config alone, as BuildKit writes it. */
        private String configText(StageState state, Instruction instruction) {
            ImageConfig.Container config = state.editor.container();
            if (instruction instanceof Instruction.Env env) {
                return "ENV" + pairs(env.variables());
            } else if (instruction instanceof Instruction.Label label) {
                return "LABEL" + pairs(label.labels());
            } else if (instruction instanceof Instruction.Expose expose) {
                List<String> ports = new ArrayList<>();
                expose.ports().forEach(spec -> ports.addAll(ConfigEditor.ports(spec)));
                return "EXPOSE " + HistoryText.list(ports);
            } else if (instruction instanceof Instruction.Volume volume) {
                return "VOLUME " + HistoryText.list(volume.volumes());
            } else if (instruction instanceof Instruction.User user) {
                return "USER " + user.user();
            } else if (instruction instanceof Instruction.StopSignal signal) {
                return "STOPSIGNAL " + signal.signal();
            } else if (instruction instanceof Instruction.Shell shell) {
                return "SHELL " + HistoryText.list(shell.shell());
            } else if (instruction instanceof Instruction.Cmd) {
                return "CMD " + HistoryText.quoted(config.cmd());
            } else if (instruction instanceof Instruction.Entrypoint) {
                return "ENTRYPOINT " + HistoryText.quoted(config.entrypoint());
            } else if (instruction instanceof Instruction.Healthcheck check) {
                return "HEALTHCHECK " + HistoryText.healthcheck(check);
            }
            throw new IllegalStateException(instruction.keyword() + " changes no config");
        }

        private static String pairs(List<Instruction.KeyValue> pairs) {
            StringBuilder text = new StringBuilder();
            pairs.forEach(pair -> text.append(' ').append(pair.key()).append('=').append(pair.value()));
            return text.toString();
        }

        /** {@code K=V K=V }, as BuildKit's history lists the arguments a {@code RUN} saw. */
        private static String pairs(Map<String, String> pairs) {
            StringBuilder text = new StringBuilder();
            pairs.forEach((name, value) -> text.append(name).append('=').append(value).append(' '));
            return text.toString();
        }

        /**
         * {@code RUN}: the command run in the stage's root filesystem by the sandbox, its change
         * the step's layer (none when it changed nothing, its history entry then an
         * {@code empty_layer}, as BuildKit writes it), cached as the steps that write files are.
         */
        private void run(StageState state, Instruction.Run run, BuildProgress.Step step) throws IOException {
            long started = System.nanoTime();
            int line = step.line();
            checkSandbox(state.platform, line);
            ImageConfig.Container config = state.editor.container();
            RunCommand runCommand = runCommand(state, run, line);
            List<String> argv = runCommand.argv();
            for (String word : argv) {
                int bytes = word.getBytes(StandardCharsets.UTF_8).length;
                if (bytes >= MAX_ARGUMENT) {
                    throw new DockerfileException(dockerfile.name(), line, "the RUN command is too long for the"
                            + " system (" + bytes + " bytes; Linux passes at most " + (MAX_ARGUMENT - 1)
                            + " in one argument): put it in a file the build copies, and RUN that");
                }
            }
            Map<String, String> runArguments = state.scope.runArguments();
            Map<String, String> shownArguments = new LinkedHashMap<>(runArguments);
            // As BuildKit: the proxies a build gives undeclared reach the command, not the history.
            args.proxies().keySet().forEach(name -> {
                if (state.scope.argument(name) == null) {
                    shownArguments.remove(name);
                }
            });
            String command = String.join(" ", argv);
            String createdBy = "RUN " + (shownArguments.isEmpty() ? "" : "|" + shownArguments.size() + " "
                    + pairs(shownArguments)) + command;
            // RUN --network=default is the build's network (--network); host is the host's, as default gives it.
            String mode = run.network() == null || run.network().equals("default") ? request.network() : run.network();
            RunSpec.Network network = "none".equals(mode) ? RunSpec.Network.NONE : RunSpec.Network.DEFAULT;
            List<String> env = new ArrayList<>(config.env() == null ? List.of() : config.env());
            runArguments.forEach((name, value) -> env.add(name + "=" + value));
            String workingDir = config.workingDir() == null || config.workingDir().isEmpty() ? "/" : config.workingDir();
            RunSpec spec = new RunSpec(argv, env, workingDir, config.user(), network);
            List<String> keyParts = new ArrayList<>(List.of(createdBy, "arguments " + runArguments,
                    "network " + network));
            // The history names the script's file alone: its content keys the step.
            runCommand.pipes().forEach((name, content) -> keyParts.add("pipe " + name + " "
                    + Digest.sha256(content.getBytes(StandardCharsets.UTF_8))));
            Digest key = StepCache.key(state.key, keyParts.toArray(String[]::new));
            boolean ran = !step(state, step, key, createdBy + " # buildkit", () -> {
                RootFilesystem rootfs = rootFilesystem(state);
                try {
                    return rootfs.run(sandbox, spec, runCommand.pipes(), output -> progress.output(step,
                            Duration.ofNanos(System.nanoTime() - started), output), Compression.GZIP,
                            Optional.ofNullable(request.timestamp()), store);
                } catch (RunFailedException e) {
                    throw new RunCommandException(dockerfile.name(), line, command, e.status());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while RUN at " + dockerfile.name() + ":" + line);
                } catch (SandboxUnavailableException e) {
                    throw unavailable(line, e);
                } catch (IllegalArgumentException e) {
                    throw new DockerfileException(dockerfile.name(), line, e.getMessage(), e);
                } finally {
                    if (rootfs.removed()) {
                        state.rootfs = null;
                    }
                }
            });
            if (ran) {
                state.applied = state.layers.size();
            }
        }

        /**
         * What a {@code RUN} executes, as BuildKit makes it: the exec form as it is; the shell form
         * after the stage's {@code SHELL}; a lone here-document ({@code RUN <<EOF}) as the script
         * the shell runs, or, when it starts with {@code #!}, as a file of its own,
         * {@code /dev/pipes/EOF}, that the shell runs by its path, so that its interpreter reads it;
         * other here-documents kept in the command, each after a line end, for the shell to read.
         */
        private RunCommand runCommand(StageState state, Instruction.Run run, int line) {
            List<String> shell = state.editor.shell();
            if (run.heredocs().isEmpty() || run.command().exec()) {
                return new RunCommand(run.command().withShell(shell), Map.of());
            }
            String text = run.command().words().get(0);
            Instruction.Heredoc first = run.heredocs().get(0);
            if (run.heredocs().size() == 1 && text.trim().matches("<<-?([\"']?)" + Pattern.quote(first.name()) + "\\1")) {
                // As BuildKit: the content as written decides, before <<- strips its tabs.
                if (first.content().startsWith("#!")) {
                    String name = first.name();
                    if (name.contains("/") || name.equals(".") || name.equals("..")) {
                        throw new DockerfileException(dockerfile.name(), line, "here-document name \"" + name
                                + "\" cannot name a file in " + RootFilesystem.PIPES);
                    }
                    String path = RootFilesystem.PIPES + "/" + name;
                    return new RunCommand(new Instruction.Command(List.of(path), false).withShell(shell),
                            Map.of(name, first.text()));
                }
                return new RunCommand(new Instruction.Command(List.of(first.text()), false).withShell(shell), Map.of());
            }
            StringBuilder joined = new StringBuilder(text);
            run.heredocs().forEach(document -> joined.append('\n').append(document.content()).append(document.name()));
            return new RunCommand(new Instruction.Command(List.of(joined.toString()), false).withShell(shell),
                    Map.of());
        }

        /**
         * The stage's root filesystem, made at its first {@code RUN}, with every layer of the
         * stage it lacks applied in order, each verified against its digest.
         */
        private RootFilesystem rootFilesystem(StageState state) throws IOException {
            if (state.rootfs == null) {
                state.rootfs = RootFilesystem.create(store.root().resolve(BUILD_DIRECTORY));
                state.applied = 0;
                if (state.baseLayers > 0) {
                    try {
                        Optional<UnpackedBases.Loan> base = unpackedBases.lend(state.layers.subList(0, state.baseLayers),
                                this::verifiedLayer);
                        if (base.isPresent()) {
                            state.rootfs.linkFrom(base.get());
                            state.applied = state.baseLayers;
                        }
                    } catch (IOException | RuntimeException e) {
                        state.closeRootFilesystem(e);
                        throw e;
                    }
                }
            }
            for (; state.applied < state.layers.size(); state.applied++) {
                Descriptor layer = state.layers.get(state.applied);
                try (InputStream blob = verifiedLayer(layer)) {
                    state.rootfs.apply(blob, layer.digest().toString());
                    blob.transferTo(OutputStream.nullOutputStream());
                } catch (IOException | RuntimeException e) {
                    state.closeRootFilesystem(e);
                    throw e;
                }
            }
            return state.rootfs;
        }

        /** A layer of the store, read through a check of its digest and size. */
        private InputStream verifiedLayer(Descriptor layer) throws IOException {
            return VerifiedCopy.hashed(Files.newInputStream(store.blobPath(layer.digest())), layer, "the store", null);
        }

        private void closeRootFilesystems() throws IOException {
            IOException failed = null;
            for (StageState state : built.values()) {
                try {
                    state.closeRootFilesystem(null);
                } catch (IOException e) {
                    failed = e;
                }
            }
            if (failed != null) {
                throw failed;
            }
        }

        /**
         * Checks, before any work, that the sandbox runs the commands of each stage that would
         * {@code RUN} (its own instructions, and a base stage's {@code ONBUILD} triggers), for the
         * stage's platform; a Dockerfile without {@code RUN} never reaches the sandbox.
         */
        private void preflightRun(List<Dockerfile.Stage> needed) throws IOException {
            boolean runs = false;
            for (Dockerfile.Stage stage : needed) {
                List<Instruction> instructions = new ArrayList<>(stage.instructions());
                Planned planned = plans.get(stage.index());
                if (planned.base() != null) {
                    instructions.addAll(0, triggers(planned.base()));
                }
                for (Instruction instruction : instructions) {
                    if (instruction instanceof Instruction.Run run) {
                        int line = run.span().first();
                        if (!run.mounts().isEmpty()) {
                            throw error(run, "RUN --mount is not supported");
                        }
                        if ("insecure".equals(run.security())) {
                            throw error(run, "RUN --security=insecure is not supported");
                        }
                        checkSandbox(stagePlatform(planned), line);
                        runs = true;
                    }
                }
            }
            if (runs && sandbox.mapsOneUser()) {
                notices.accept(ONE_USER_MAPPED);
            }
        }

        /** The platform a stage's commands run for: its base stage's, or its {@code FROM}'s. */
        private Platform stagePlatform(Planned planned) {
            return planned.base() != null ? stagePlatform(plans.get(planned.base().index())) : platform(planned.from());
        }

        /** Once per platform: the sandbox runs its commands here, or the build stops naming the {@code RUN}. */
        private void checkSandbox(Platform platform, int line) throws IOException {
            if (!runnable.contains(platform)) {
                try {
                    sandbox.preflight(platform.os(), platform.architecture());
                } catch (SandboxUnavailableException e) {
                    throw unavailable(line, e);
                }
                runnable.add(platform);
            }
        }

        private UnsupportedOperationException unavailable(int line, SandboxUnavailableException e) {
            return new UnsupportedOperationException(dockerfile.name() + ":" + line + ": RUN cannot run here: "
                    + e.getMessage(), e);
        }

        /** {@code WORKDIR}: the directory made in a layer of its own, owned by the {@code USER}, unless the stage has it. */
        private void workdir(StageState state, String directory, BuildProgress.Step step) throws IOException {
            String user = state.editor.container().user();
            String createdBy = "WORKDIR " + directory;
            Digest key = StepCache.key(state.key, createdBy, "user " + user);
            fileStep(state, step, key, createdBy, false, () -> {
                Owner owner = user == null || user.isEmpty() ? Owner.ROOT : owner(user, state, step.line());
                FileTree files = state.files().tree();
                LayerParts parts = new LayerParts();
                String path = files.resolve(directory, true);
                if (!files.isDirectory(path)) {
                    for (String missing : files.missing(path)) {
                        parts.put(new LayerEntry(missing, LayerEntry.Type.DIRECTORY, 0755, owner.uid(), owner.gid(), made,
                                0, "", Map.of(), 0, 0));
                    }
                }
                return parts;
            });
        }

        /** {@code COPY} or {@code ADD}. */
        private void copy(StageState state, FileCopy.Spec spec, String from, Instruction expanded,
                BuildProgress.Step step, int line) throws IOException {
            FileCopy.Origin origin = context == null ? null : new FileCopy.Context(context);
            if (from != null) {
                origin = origin(state, from, expanded);
            }
            String workingDir = state.editor.container().workingDir();
            try (FileCopy copy = new FileCopy(spec, origin, sources, workingDir, made, dockerfile.name(), line)) {
                String createdBy = copyText(spec);
                Digest key = StepCache.key(state.key, createdBy, "from " + from, "link " + spec.link(), "exclude "
                        + spec.excludes(), "checksum " + spec.checksum(), "unpack " + spec.unpack(), "workdir "
                        + workingDir, copy.contentKey());
                fileStep(state, step, key, createdBy + " # buildkit", true, () -> copy.parts(
                        spec.link() ? null : state.files().tree(),
                        spec.chown() == null ? null : owner(spec.chown(), state, line)));
            }
        }

        /** Where {@code COPY --from} reads: a stage built before, or an image. */
        private FileCopy.Origin origin(StageState state, String from, Instruction copy) throws IOException {
            Optional<Dockerfile.Stage> stage = dockerfile.stage(from);
            if (stage.isPresent()) {
                StageState source = state(stage.get());
                String name = stage.get().name() != null ? "stage " + stage.get().name() : "stage " + from;
                return new FileCopy.Image(name, layersOf(source.layers), source.key);
            }
            BuildSources.Resolved image = resolve(copy, from, targetPlatform);
            return new FileCopy.Image(image.name(), layersOf(image.image().layers()), image.manifest());
        }

        private List<Flattener.Source> layersOf(List<Descriptor> layers) {
            return layers.stream().map(layer -> new Flattener.Source(layer.digest().toString(),
                    () -> Files.newInputStream(store.blobPath(layer.digest())))).toList();
        }

        /** BuildKit's {@code created_by} of {@code COPY} and {@code ADD}, without its {@code # buildkit}. */
        private static String copyText(FileCopy.Spec spec) {
            StringBuilder text = new StringBuilder(spec.keyword());
            if (spec.parents()) {
                text.append(" --parents");
            }
            if (spec.chown() != null) {
                text.append(" --chown=").append(spec.chown());
            }
            if (spec.chmod() != null) {
                text.append(" --chmod=").append(spec.chmod());
            }
            spec.sources().forEach(source -> text.append(' ').append(source));
            spec.documents().forEach(document -> text.append(" <<").append(document.name()));
            return text.append(' ').append(spec.destination()).toString();
        }

        private Owner owner(String spec, StageState state, int line) throws IOException {
            try {
                return Owner.of(spec, state.files());
            } catch (IllegalArgumentException e) {
                throw new DockerfileException(dockerfile.name(), line, e.getMessage(), e);
            }
        }

        /** Makes a step's layer. */
        @FunctionalInterface
        private interface Layer {
            LayerParts parts() throws IOException;
        }

        /** Makes a step's layer into the store: written, or none when the step changed nothing. */
        @FunctionalInterface
        private interface NewLayer {
            Optional<WrittenLayer> write() throws IOException;
        }

        /**
         * A step that writes files: taken from the cache under its key, or made — its layer written
         * into the store unless it holds nothing — and recorded there.
         */
        private void fileStep(StageState state, BuildProgress.Step step, Digest key, String createdBy,
                boolean layerAlways, Layer layer) throws IOException {
            step(state, step, key, createdBy, () -> {
                LayerParts parts = layer.parts();
                if (parts.isEmpty()) {
                    return Optional.empty();
                }
                WrittenLayer[] written = new WrittenLayer[1];
                store.putNew(MediaType.OCI_LAYER_GZIP, out -> written[0] = parts.write(writer, out));
                return Optional.of(written[0]);
            });
        }

        /**
         * A step with a layer: taken from the cache under its key, or made and recorded there.
         *
         * @return whether it came from the cache
         */
        private boolean step(StageState state, BuildProgress.Step step, Digest key, String createdBy, NewLayer layer)
                throws IOException {
            long start = System.nanoTime();
            Optional<StepCache.Step> hit = cache.find(key);
            if (hit.isPresent()) {
                List<ImageConfig.History> history = hit.get().config().history();
                state.add(hit.get().layer(), hit.get().diffId(), history.get(history.size() - 1));
            } else {
                Optional<WrittenLayer> written = layer.write();
                Descriptor descriptor = written.map(w -> Descriptor.of(state.docker ? MediaType.DOCKER_LAYER_GZIP
                        : MediaType.OCI_LAYER_GZIP, w.digest(), w.size())).orElse(null);
                Digest diffId = written.map(WrittenLayer::diffId).orElse(null);
                state.add(descriptor, diffId, new ImageConfig.History(descriptor == null ? null : now.toString(),
                        createdBy, descriptor == null, HISTORY_COMMENT, null, null));
                cache.put(key, new StepCache.Step(descriptor, diffId, state.config()));
            }
            state.key = key;
            finished(step, start, hit.isPresent());
            return hit.isPresent();
        }

        /** The target's config, dated and labelled, its manifest and names, into the store. */
        private Built write(StageState state, List<Reference> names) throws IOException {
            ImageConfig built = state.config();
            ImageConfig.Container settings = built.config();
            if (!request.labels().isEmpty()) {
                Map<String, String> labels = new LinkedHashMap<>(settings.labels() == null ? Map.of() : settings.labels());
                labels.putAll(request.labels());
                settings = new ImageConfig.Container(settings.env(), settings.cmd(), settings.entrypoint(),
                        settings.workingDir(), settings.user(), settings.exposedPorts(), labels, settings.volumes(),
                        settings.stopSignal(), settings.otherFields());
            }
            List<ImageConfig.History> history = dated(built.history(), state.baseHistory);
            String created = history.stream().map(ImageConfig.History::created).filter(Objects::nonNull)
                    .reduce((first, second) -> second).orElse(null);
            Platform platform = request.platform();
            ImageConfig config = new ImageConfig(created, built.author(),
                    platform != null ? platform.os() : built.os(),
                    platform != null ? platform.architecture() : built.architecture(),
                    platform != null ? platform.variant() : built.variant(), settings, built.rootfs(), history,
                    built.otherFields());
            byte[] bytes = Json.bytes(config.toJson());
            Descriptor configDescriptor = Descriptor.of(state.docker ? MediaType.DOCKER_CONFIG : MediaType.OCI_CONFIG,
                    Digest.sha256(bytes), bytes.length);
            store.putBlob(configDescriptor, () -> new ByteArrayInputStream(bytes));
            ManifestBlob manifest = ManifestBlob.create(new ImageManifest(2, state.docker ? MediaType.DOCKER_MANIFEST
                    : MediaType.OCI_MANIFEST, null, configDescriptor, state.layers, null, Map.of(), null));
            store.putBytes(manifest.digest(), manifest.bytes());
            List<OciLayout.Naming> naming = new ArrayList<>();
            names.forEach(name -> naming.add(new OciLayout.Naming(name.toString(), manifest.descriptor())));
            if (naming.isEmpty()) {
                naming.add(new OciLayout.Naming(null, manifest.descriptor()));
            }
            store.setNames(naming);
            return new Built(manifest.descriptor(), configDescriptor.digest(), steps, cached);
        }

        /**
         * The history's times as BuildKit's exporter fills them: an entry this build made without
         * a time takes the time of the layer before it, or of the first new layer before any; with
         * a timestamp, none after it.
         */
        private List<ImageConfig.History> dated(List<ImageConfig.History> history, int base) {
            String first = history.stream().skip(base).map(ImageConfig.History::created).filter(Objects::nonNull)
                    .findFirst().orElse(base > 0 ? lastTime(history.subList(0, base)) : now.toString());
            List<ImageConfig.History> dated = new ArrayList<>(history.subList(0, base));
            String previous = first;
            for (ImageConfig.History entry : history.subList(base, history.size())) {
                String created = clamped(entry.created() != null ? entry.created() : previous);
                previous = created;
                dated.add(new ImageConfig.History(created, entry.createdBy(), entry.emptyLayer(), entry.comment(),
                        entry.author(), entry.otherFields()));
            }
            return dated;
        }

        /** A time, or the timestamp when it is later. */
        private String clamped(String created) {
            if (request.timestamp() == null || created == null) {
                return created;
            }
            try {
                return Instant.parse(created).isAfter(request.timestamp()) ? request.timestamp().toString() : created;
            } catch (DateTimeParseException unreadable) {
                return request.timestamp().toString();
            }
        }

        private static String lastTime(List<ImageConfig.History> history) {
            return history.stream().map(ImageConfig.History::created).filter(Objects::nonNull)
                    .reduce((first, second) -> second).orElse(null);
        }

        private DockerfileException error(Instruction at, String reason) {
            return new DockerfileException(dockerfile.name(), at.span().first(), reason);
        }
    }

    /** A stage as its instructions leave it: config, history, layers, and the key of all that. */
    private static final class StageState {
        /** The fields of a base's config that an image built on it keeps besides those the model names. */
        static final Set<String> IMAGE_FIELDS = Set.of("os.version", "os.features");
        static final Set<String> CONTAINER_FIELDS = Set.of("ArgsEscaped", "Healthcheck", "OnBuild", "Shell");
        final Platform platform;
        final List<ImageConfig.History> history;
        final List<Descriptor> layers;
        final List<String> diffIds;
        /** The history entries of the base image, whose times are kept. */
        final int baseHistory;
        /** Whether the base is a Docker schema 2 image, whose format the image keeps, as a commit does. */
        final boolean docker;
        ConfigEditor editor;
        String author;
        String os;
        String architecture;
        String variant;
        ObjectNode otherFields;
        Digest key;
        Scope scope;
        /** The root filesystem of the stage's {@code RUN} steps, made at the first; null before, and after a failure. */
        RootFilesystem rootfs;
        /** How many of {@link #layers} the root filesystem holds. */
        int applied;
        /** How many of {@link #layers} are the base's, which the store's unpacked bases can give. */
        final int baseLayers;
        private final LocalStore store;
        private StageFiles files;

        private StageState(LocalStore store, Platform platform, ImageConfig base, List<Descriptor> layers, Digest key,
                int baseHistory, boolean docker) {
            this.store = store;
            this.docker = docker;
            this.platform = platform;
            this.editor = new ConfigEditor(withOwnFields(base.config()));
            this.author = base.author();
            this.os = base.os();
            this.architecture = base.architecture();
            this.variant = base.variant();
            this.otherFields = only(base.otherFields(), IMAGE_FIELDS);
            this.history = new ArrayList<>(base.history());
            this.layers = new ArrayList<>(layers);
            this.baseLayers = layers.size();
            this.diffIds = new ArrayList<>(base.rootfs() == null || base.rootfs().diffIds() == null ? List.of()
                    : base.rootfs().diffIds());
            this.key = key;
            this.baseHistory = baseHistory;
        }

        /**
         * The settings with the fields BuildKit's image config has besides the OCI spec's, not
         * those a classic docker build left in its base ({@code Hostname}, {@code Image}…).
         */
        private static ImageConfig.Container withOwnFields(ImageConfig.Container c) {
            return c == null ? null : new ImageConfig.Container(c.env(), c.cmd(), c.entrypoint(), c.workingDir(),
                    c.user(), c.exposedPorts(), c.labels(), c.volumes(), c.stopSignal(),
                    only(c.otherFields(), CONTAINER_FIELDS));
        }

        private static ObjectNode only(ObjectNode fields, Set<String> kept) {
            fields.retain(kept);
            return fields;
        }

        /** A stage on nothing: BuildKit's empty image of the platform. */
        static StageState scratch(LocalStore store, Platform platform, Digest key) {
            ImageConfig empty = new ImageConfig(null, null, platform.os(), platform.architecture(), platform.variant(),
                    new ImageConfig.Container(null, null, null, "/", null, null, null, null, null, null),
                    new ImageConfig.RootFs("layers", List.of(), null), List.of());
            return new StageState(store, platform, empty, List.of(), key, 0, false);
        }

        /** A stage on an image of the store. */
        static StageState of(LocalStore store, BuildSources.Resolved base, Platform platform, Digest key)
                throws IOException {
            ImageConfig config = ImageConfig.fromJson(Json.parse(base.config()));
            return new StageState(store, platform, config, base.image().layers(), key, config.history().size(),
                    base.image().mediaType().equals(MediaType.DOCKER_MANIFEST));
        }

        /** A stage built on this one ({@code FROM stage}). */
        StageState child(LocalStore store) {
            StageState child = new StageState(store, platform, config(), layers, key, baseHistory, docker);
            child.author = author;
            return child;
        }

        /** The base's {@code ONBUILD} triggers, which the stage runs. */
        List<String> onBuild() {
            List<String> triggers = new ArrayList<>();
            editor.container().otherFields().path("OnBuild").forEach(trigger -> triggers.add(trigger.asText()));
            return triggers;
        }

        /** As BuildKit: a stage keeps none of its base's triggers. */
        void forgetOnBuild() {
            ImageConfig.Container config = editor.container();
            ObjectNode others = config.otherFields();
            if (others.has("OnBuild")) {
                others.remove("OnBuild");
                editor = new ConfigEditor(new ImageConfig.Container(config.env(), config.cmd(), config.entrypoint(),
                        config.workingDir(), config.user(), config.exposedPorts(), config.labels(), config.volumes(),
                        config.stopSignal(), others));
            }
        }

        /** As BuildKit: {@code PATH} is set when the base does not set it. */
        void defaultPath() {
            if (editor.env("PATH") == null && !"windows".equals(platform.os())) {
                editor.apply(new Instruction.Env(new Instruction.Span(0, 0, ""),
                        List.of(new Instruction.KeyValue("PATH", DEFAULT_PATH))));
            }
        }

        /** A variable of the stage's environment, for its scope. */
        String env(String name) {
            return editor.env(name);
        }

        /** The stage's files, read from the store when asked. */
        StageFiles files() {
            if (files == null) {
                files = new StageFiles(store, layers);
            }
            return files;
        }

        /** A step without a layer: its history entry, dated later, and the key after it. */
        void record(String createdBy) {
            history.add(new ImageConfig.History(null, createdBy, true, HISTORY_COMMENT, null, null));
            key = StepCache.key(key, createdBy);
        }

        /** A step's layer (or none) and its history entry. */
        void add(Descriptor layer, Digest diffId, ImageConfig.History entry) {
            if (layer != null) {
                layers.add(layer);
                diffIds.add(diffId.toString());
                if (files != null) {
                    files.add(layer);
                }
            }
            history.add(entry);
        }

        /** Removes the root filesystem, if made; a failure to, added to {@code failure} when there is one. */
        void closeRootFilesystem(Throwable failure) throws IOException {
            RootFilesystem made = rootfs;
            rootfs = null;
            if (made != null) {
                try {
                    made.close();
                } catch (IOException e) {
                    if (failure == null) {
                        throw e;
                    }
                    failure.addSuppressed(e);
                }
            }
        }

        /** The stage's config now, history times not yet filled in. */
        ImageConfig config() {
            return new ImageConfig(null, author, os, architecture, variant, editor.container(),
                    new ImageConfig.RootFs("layers", diffIds, null), history, otherFields);
        }
    }
}
