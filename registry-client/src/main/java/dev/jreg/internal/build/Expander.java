package dev.jreg.internal.build;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Replaces the variables in an instruction's words, as the builder does before it runs the
 * instruction (Dockerfile reference, "Environment replacement").
 *
 * @param escape the Dockerfile's escape character
 * @param variables a variable's value, or null when it is not set
 */
record Expander(char escape, UnaryOperator<String> variables) {
    /** One word, quotes and escapes resolved. */
    String word(String word) {
        return DockerfileWords.expand(word, escape, variables);
    }

    /** A flag's value, or null for a flag not given. */
    String optional(String word) {
        return word == null ? null : word(word);
    }

    /** Each word. */
    List<String> each(List<String> words) {
        return words.stream().map(this::word).toList();
    }

    /** The words one word gives: a variable holding white space gives several. */
    List<String> words(String word) {
        return DockerfileWords.expandWords(word, escape, variables);
    }

    /** Keys and values. */
    List<Instruction.KeyValue> pairs(List<Instruction.KeyValue> pairs) {
        return pairs.stream().map(pair -> new Instruction.KeyValue(word(pair.key()), word(pair.value()))).toList();
    }

    /**
     * Here-documents whose delimiter was not quoted with their variables replaced; each holds its
     * text, leading tabs already stripped for {@code <<-}.
     */
    List<Instruction.Heredoc> documents(List<Instruction.Heredoc> documents) {
        return documents.stream().map(doc -> !doc.expand() ? doc : new Instruction.Heredoc(doc.name(),
                DockerfileWords.expandDocument(doc.text(), variables), true, false, doc.descriptor())).toList();
    }
}
