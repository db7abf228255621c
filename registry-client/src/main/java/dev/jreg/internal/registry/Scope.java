package dev.jreg.internal.registry;

import java.util.List;
import java.util.stream.Stream;

/**
 * The token scopes a request needs, e.g. {@code repository:library/nginx:pull}. A cross-repository
 * mount needs two: push on the target and pull on the source, in one token.
 *
 * @param values scope strings, most important first (some token servers read only the first)
 */
record Scope(List<String> values) {
    static Scope pull(String repository) {
        return new Scope(List.of("repository:" + repository + ":pull"));
    }

    static Scope pullPush(String repository) {
        return new Scope(List.of("repository:" + repository + ":pull,push"));
    }

    /** Scopes from a challenge's {@code scope} parameter, which may list several separated by spaces. */
    static Scope parse(String text) {
        return new Scope(Stream.of(text.trim().split("\\s+")).filter(value -> !value.isEmpty()).toList());
    }

    /** These scopes followed by the other's, without repeats. */
    Scope and(Scope other) {
        return new Scope(Stream.concat(values.stream(), other.values.stream()).distinct().toList());
    }

    /** The cache key of a token for these scopes. */
    String key() {
        return String.join(" ", values);
    }

    @Override
    public String toString() {
        return key();
    }
}
