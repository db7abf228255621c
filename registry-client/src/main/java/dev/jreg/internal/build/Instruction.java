package dev.jreg.internal.build;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One Dockerfile instruction as written (Dockerfile reference): its words with quotes, escapes and
 * variables as in the file, its flags, and where it stands. {@link #expand} gives the instruction
 * with variables replaced in the words the builder replaces them in ("Environment replacement":
 * {@code ADD}, {@code COPY}, {@code ENV}, {@code EXPOSE}, {@code FROM}, {@code LABEL},
 * {@code STOPSIGNAL}, {@code USER}, {@code VOLUME}, {@code WORKDIR}, and {@code RUN --mount}'s
 * options as BuildKit replaces them); in {@code RUN}, {@code CMD} and {@code ENTRYPOINT} the shell
 * replaces them, and {@code ARG} defaults are replaced when the argument is declared
 * ({@link Scope#declare}).
 */
sealed interface Instruction {
    /** Where the instruction stands. */
    Span span();

    /** The instruction's keyword, upper case ({@code RUN}). */
    default String keyword() {
        return getClass().getSimpleName().toUpperCase(Locale.ROOT);
    }

    /**
     * This instruction with its variables replaced.
     *
     * @throws IllegalArgumentException as {@link DockerfileWords#expand} does
     */
    default Instruction expand(Expander expander) {
        return this;
    }

    /**
     * Where an instruction stands in its file.
     *
     * @param first its first line, from 1
     * @param last its last line: continuation and here-document lines included
     * @param text the instruction as one line, continuations joined and comments left out
     */
    record Span(int first, int last, String text) {
    }

    /**
     * The command of {@code RUN}, {@code CMD} or {@code ENTRYPOINT}: the exec form's JSON array,
     * or the shell form's text, which runs in the stage's shell.
     *
     * @param words the array's strings, or the shell form's text alone
     * @param exec whether it is the exec form
     */
    record Command(List<String> words, boolean exec) {
        public Command {
            words = List.copyOf(words);
        }

        /** What runs: the exec form as it is, the shell form after the shell ({@code /bin/sh -c}). */
        public List<String> withShell(List<String> shell) {
            if (exec) {
                return words;
            }
            List<String> line = new ArrayList<>(shell);
            line.addAll(words);
            return line;
        }
    }

    /**
     * A here-document: the lines after the instruction up to its delimiter (Dockerfile reference,
     * "Here-Documents").
     *
     * @param name the delimiter, quotes removed
     * @param content the lines as written, each with its line end
     * @param expand whether variables in it are replaced: the delimiter was not quoted
     * @param chomp {@code <<-}: leading tabs are stripped from its lines and its delimiter's
     * @param descriptor the file descriptor written before {@code <<} ({@code 2<<EOF}), or 0
     */
    record Heredoc(String name, String content, boolean expand, boolean chomp, int descriptor) {
        /** The content, leading tabs stripped from each line for {@code <<-}. */
        public String text() {
            return chomp ? content.replaceAll("(?md)^\t+", "") : content;
        }
    }

    /** A {@code NAME=VALUE} pair of {@code ENV} or {@code LABEL}, both as written. */
    record KeyValue(String key, String value) {
    }

    /** {@code FROM [--platform=P] IMAGE [AS NAME]}; the name is lower case, or null. */
    record From(Span span, String image, String platform, String name) implements Instruction {
        @Override
        public From expand(Expander expander) {
            return new From(span, expander.word(image), expander.optional(platform), name);
        }
    }

    /**
     * {@code RUN [--mount=…]... [--network=default|none|host] [--security=sandbox|insecure] COMMAND}.
     *
     * @param heredocs the here-documents the shell form reads
     * @param mounts each {@code --mount} value as given ({@code type=cache,target=/root/.cache})
     */
    record Run(Span span, Command command, List<Heredoc> heredocs, List<String> mounts, String network,
            String security) implements Instruction {
        public Run {
            heredocs = List.copyOf(heredocs);
            mounts = List.copyOf(mounts);
        }

        /** The mounts' option values replaced, as BuildKit replaces them. */
        @Override
        public Run expand(Expander expander) {
            List<String> expanded = new ArrayList<>();
            for (String mount : mounts) {
                List<String> fields = new ArrayList<>();
                for (String field : mount.split(",", -1)) {
                    int equals = field.indexOf('=');
                    fields.add(equals < 0 ? field : field.substring(0, equals + 1)
                            + expander.word(field.substring(equals + 1)));
                }
                expanded.add(String.join(",", fields));
            }
            return new Run(span, command, heredocs, expanded, network, security);
        }
    }

    /** {@code CMD}. */
    record Cmd(Span span, Command command) implements Instruction {
    }

    /** {@code ENTRYPOINT}. */
    record Entrypoint(Span span, Command command) implements Instruction {
    }

    /** {@code SHELL ["executable", "parameters"]}. */
    record Shell(Span span, List<String> shell) implements Instruction {
        public Shell {
            shell = List.copyOf(shell);
        }
    }

    /** {@code LABEL k=v ...}. */
    record Label(Span span, List<KeyValue> labels) implements Instruction {
        public Label {
            labels = List.copyOf(labels);
        }

        @Override
        public Label expand(Expander expander) {
            return new Label(span, expander.pairs(labels));
        }
    }

    /** {@code MAINTAINER name}. */
    record Maintainer(Span span, String name) implements Instruction {
    }

    /** {@code EXPOSE port[/protocol]...}, each word as written. */
    record Expose(Span span, List<String> ports) implements Instruction {
        public Expose {
            ports = List.copyOf(ports);
        }

        /** Each word expanded into the words it gives. */
        @Override
        public Expose expand(Expander expander) {
            List<String> expanded = new ArrayList<>();
            ports.forEach(port -> expanded.addAll(expander.words(port)));
            return new Expose(span, expanded);
        }
    }

    /** {@code ENV k=v ...} or {@code ENV k v}. */
    record Env(Span span, List<KeyValue> variables) implements Instruction {
        public Env {
            variables = List.copyOf(variables);
        }

        @Override
        public Env expand(Expander expander) {
            return new Env(span, expander.pairs(variables));
        }
    }

    /**
     * {@code ADD [--chown=U:G] [--chmod=M] [--link] [--checksum=C] [--keep-git-dir] [--unpack]
     * [--exclude=P]... SRC... DEST}.
     *
     * @param sources the source paths, URLs and Git addresses
     * @param documents the sources given as here-documents
     * @param keepGitDir {@code --keep-git-dir}'s value, or null when not given
     * @param unpack {@code --unpack}'s value, or null when not given
     */
    record Add(Span span, List<String> sources, List<Heredoc> documents, String destination, String chown,
            String chmod, boolean link, String checksum, Boolean keepGitDir, Boolean unpack, List<String> excludes)
            implements Instruction {
        public Add {
            sources = List.copyOf(sources);
            documents = List.copyOf(documents);
            excludes = List.copyOf(excludes);
        }

        @Override
        public Add expand(Expander expander) {
            return new Add(span, expander.each(sources), expander.documents(documents), expander.word(destination),
                    expander.optional(chown), expander.optional(chmod), link, expander.optional(checksum), keepGitDir,
                    unpack, excludes);
        }
    }

    /**
     * {@code COPY [--from=STAGE] [--chown=U:G] [--chmod=M] [--link] [--parents] [--exclude=P]...
     * SRC... DEST}.
     *
     * @param documents the sources given as here-documents
     * @param from a stage's name or index, an image or a named context; null for the context
     */
    record Copy(Span span, List<String> sources, List<Heredoc> documents, String destination, String from,
            String chown, String chmod, boolean link, boolean parents, List<String> excludes)
            implements Instruction {
        public Copy {
            sources = List.copyOf(sources);
            documents = List.copyOf(documents);
            excludes = List.copyOf(excludes);
        }

        @Override
        public Copy expand(Expander expander) {
            return new Copy(span, expander.each(sources), expander.documents(documents), expander.word(destination),
                    from, expander.optional(chown), expander.optional(chmod), link, parents, excludes);
        }
    }

    /** {@code WORKDIR path}. */
    record Workdir(Span span, String path) implements Instruction {
        @Override
        public Workdir expand(Expander expander) {
            return new Workdir(span, expander.word(path));
        }
    }

    /** {@code USER user[:group]}. */
    record User(Span span, String user) implements Instruction {
        @Override
        public User expand(Expander expander) {
            return new User(span, expander.word(user));
        }
    }

    /** {@code VOLUME ["/data"]} or {@code VOLUME /data /logs}. */
    record Volume(Span span, List<String> volumes) implements Instruction {
        public Volume {
            volumes = List.copyOf(volumes);
        }

        @Override
        public Volume expand(Expander expander) {
            return new Volume(span, expander.each(volumes));
        }
    }

    /** {@code STOPSIGNAL signal}. */
    record StopSignal(Span span, String signal) implements Instruction {
        @Override
        public StopSignal expand(Expander expander) {
            return new StopSignal(span, expander.word(signal));
        }
    }

    /**
     * {@code HEALTHCHECK NONE}, or {@code HEALTHCHECK [OPTIONS] CMD command}.
     *
     * @param test {@code ["NONE"]}, {@code ["CMD", args...]} (exec form) or
     *     {@code ["CMD-SHELL", command]} (shell form), as the image config holds it
     * @param interval {@code --interval}, zero when not given; likewise the other durations
     * @param retries {@code --retries}, 0 when not given
     */
    record Healthcheck(Span span, List<String> test, Duration interval, Duration timeout, Duration startPeriod,
            Duration startInterval, int retries) implements Instruction {
        public Healthcheck {
            test = List.copyOf(test);
        }
    }

    /**
     * {@code ONBUILD INSTRUCTION}.
     *
     * @param trigger the instruction a later build runs
     * @param expression the trigger as the image config keeps it: as written, with its
     *     here-documents
     */
    record Onbuild(Span span, Instruction trigger, String expression) implements Instruction {
    }

    /** {@code ARG name[=default] ...}. */
    record Arg(Span span, List<Declaration> declarations) implements Instruction {
        public Arg {
            declarations = List.copyOf(declarations);
        }

        /** One argument: its name, and its default as written, or null. */
        record Declaration(String name, String defaultValue) {
        }
    }
}
