package dev.jreg.internal.build;

import dev.jreg.model.Platform;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A Dockerfile as tests read it: each instruction on one line with its variables replaced as a
 * build replaces them — {@code FROM} in the global scope, the others in their stage's scope, whose
 * environment holds what the stage's {@code ENV}s set, a stage built on an earlier one starting
 * from that one's arguments and environment — then the notes. Strings are written «like this»,
 * line ends as ⏎ and tabs as →; fields at their defaults are left out.
 */
final class DockerfileDump {
    static final Platform BUILD_PLATFORM = Platform.of("linux", "amd64", null);
    static final Platform TARGET_PLATFORM = Platform.of("linux", "arm", "v7");

    private DockerfileDump() {
    }

    static String of(Dockerfile dockerfile, Map<String, String> buildArgs) {
        BuildArgs args = new BuildArgs(buildArgs, BUILD_PLATFORM, TARGET_PLATFORM);
        Scope global = args.global(dockerfile);
        List<String> lines = new ArrayList<>();
        dockerfile.globalArgs().forEach(arg -> lines.add(arg(arg, global)));
        List<Scope> scopes = new ArrayList<>();
        List<Map<String, String>> environments = new ArrayList<>();
        for (Dockerfile.Stage stage : dockerfile.stages()) {
            Instruction.From from = (Instruction.From) global.expand(stage.from());
            lines.add(line(from));
            Dockerfile.Stage base = dockerfile.stage(from.image()).filter(s -> s.index() < stage.index()).orElse(null);
            Map<String, String> env = base == null ? new HashMap<>() : new HashMap<>(environments.get(base.index()));
            Scope scope = base == null ? global.stage(env::get) : scopes.get(base.index()).derive(env::get);
            for (Instruction instruction : stage.instructions()) {
                if (instruction instanceof Instruction.Arg arg) {
                    scope.declare(arg);
                    lines.add(arg(arg, scope));
                    continue;
                }
                Instruction expanded = scope.expand(instruction);
                if (expanded instanceof Instruction.Env set) {
                    set.variables().forEach(pair -> env.put(pair.key(), pair.value()));
                }
                lines.add(line(expanded));
            }
            scopes.add(scope);
            environments.add(env);
        }
        lines.addAll(dockerfile.notes());
        return String.join("\n", lines);
    }

    /** {@code N ARG NAME=«default» → «value»}: each declaration and the value it has in the scope. */
    private static String arg(Instruction.Arg arg, Scope scope) {
        return lines(arg.span()) + " ARG " + arg.declarations().stream().map(declaration -> declaration.name()
                + (declaration.defaultValue() == null ? "" : "=" + text(declaration.defaultValue())) + " → "
                + (scope.variable(declaration.name()) == null ? "unset" : text(scope.variable(declaration.name()))))
                .collect(Collectors.joining(", "));
    }

    private static String line(Instruction instruction) {
        return lines(instruction.span()) + " " + fields(instruction);
    }

    private static String lines(Instruction.Span span) {
        return span.first() + (span.last() == span.first() ? "" : "-" + span.last());
    }

    /** The keyword and the record's fields but its span, those at their defaults left out. */
    static String fields(Instruction instruction) {
        StringBuilder out = new StringBuilder(instruction.keyword());
        for (RecordComponent component : instruction.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(instruction);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new AssertionError(e);
            }
            String name = component.getName();
            if (!name.equals("span") && !isDefault(component, value)) {
                out.append(' ').append(name).append('=').append(value(value));
            }
        }
        return out.toString();
    }

    private static boolean isDefault(RecordComponent component, Object value) {
        String name = component.getName();
        return value == null || component.getType() == boolean.class && Boolean.FALSE.equals(value)
                || Objects.equals(value, 0) || Duration.ZERO.equals(value)
                || value instanceof List<?> list && list.isEmpty() || name.equals("network") && value.equals("default")
                || name.equals("security") && value.equals("sandbox");
    }

    private static String value(Object value) {
        if (value instanceof String s) {
            return text(s);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(DockerfileDump::value).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Instruction.Command command) {
            return command.exec() ? "exec " + value(command.words()) : "shell " + text(command.words().get(0));
        }
        if (value instanceof Instruction.KeyValue pair) {
            return text(pair.key()) + "=" + text(pair.value());
        }
        if (value instanceof Instruction.Heredoc doc) {
            return (doc.descriptor() == 0 ? "" : doc.descriptor()) + "<<" + (doc.chomp() ? "-" : "")
                    + (doc.expand() ? doc.name() : "\"" + doc.name() + "\"") + " " + text(doc.content());
        }
        if (value instanceof Instruction nested) {
            return "(" + fields(nested) + ")";
        }
        return String.valueOf(value);
    }

    static String text(String s) {
        return "«" + s.replace("\n", "⏎").replace("\t", "→") + "»";
    }
}
