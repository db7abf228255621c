package dev.jreg.internal.registry;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The token scopes a request needs, e.g. {@code repository:library/nginx:pull}. A cross-repository
 * mount needs two: push on the target and pull on the source, in one token.
 *
 * @param values scope strings, most important first (some token servers read only the first)
 */
record Scope(List<String> values) {
    Scope {
        values = List.copyOf(values);
    }

    static Scope pull(String repository) {
        return new Scope(List.of("repository:" + repository + ":pull"));
    }

    static Scope pullPush(String repository) {
        return new Scope(List.of("repository:" + repository + ":pull,push"));
    }

    /** Scopes from a challenge's {@code scope} parameter, which may list several separated by spaces. */
    static Scope parse(String text) {
        List<String> values = new ArrayList<>();
        for (String value : text.trim().split("\\s+")) {
            if (!value.isEmpty()) {
                values.add(value);
            }
        }
        return new Scope(values);
    }

    /** These scopes followed by the other's, without repeats. */
    Scope and(Scope other) {
        LinkedHashSet<String> all = new LinkedHashSet<>(values);
        all.addAll(other.values);
        return new Scope(new ArrayList<>(all));
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
