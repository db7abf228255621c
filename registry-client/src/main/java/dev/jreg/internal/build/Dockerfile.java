package dev.jreg.internal.build;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed Dockerfile: its global {@code ARG}s and its stages (Dockerfile reference, "FROM",
 * "Understand how ARG and FROM interact").
 *
 * @param name the file's name as the caller gave it, which errors and notes start with
 * @param escape the escape character: {@code \}, or {@code `} after {@code # escape=`}
 * @param globalArgs the {@code ARG}s before the first {@code FROM}, usable in {@code FROM} lines
 * @param stages the stages, each begun by a {@code FROM}, in order
 * @param notes lines for the caller to print, each {@code NAME:LINE: text}: a {@code syntax}
 *     directive ignored, an empty continuation line
 */
record Dockerfile(String name, char escape, List<Instruction.Arg> globalArgs, List<Stage> stages, List<String> notes) {
    Dockerfile {
        globalArgs = List.copyOf(globalArgs);
        stages = List.copyOf(stages);
        notes = List.copyOf(notes);
    }

    /**
     * The stage a {@code FROM}, {@code COPY --from} or {@code RUN --mount=from=} names: by name,
     * in any case, or by index; empty when none is so named (the name is then an image's).
     */
    Optional<Stage> stage(String reference) {
        if (reference.matches("[0-9]{1,9}")) {
            int index = Integer.parseInt(reference);
            return index < stages.size() ? Optional.of(stages.get(index)) : Optional.empty();
        }
        String name = reference.toLowerCase(Locale.ROOT);
        return stages.stream().filter(stage -> name.equals(stage.name())).findFirst();
    }

    /**
     * One build stage.
     *
     * @param index its position, from 0
     * @param name its {@code AS} name, lower case, or null
     * @param from the {@code FROM} that begins it
     * @param instructions the instructions after it, up to the next {@code FROM}
     */
    record Stage(int index, String name, Instruction.From from, List<Instruction> instructions) {
        Stage {
            instructions = List.copyOf(instructions);
        }
    }
}
