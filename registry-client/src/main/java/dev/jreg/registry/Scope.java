package dev.jreg.registry;

/**
 * A token scope, e.g. {@code repository:library/nginx:pull}.
 *
 * @param value the scope string as sent to the token server
 */
record Scope(String value) {
    static Scope pull(String repository) {
        return new Scope("repository:" + repository + ":pull");
    }

    static Scope pullPush(String repository) {
        return new Scope("repository:" + repository + ":pull,push");
    }

    @Override
    public String toString() {
        return value;
    }
}
