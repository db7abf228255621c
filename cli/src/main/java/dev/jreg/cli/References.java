package dev.jreg.cli;

import dev.jreg.model.Reference;

/** What the user typed, before normalisation fills in {@code latest}. */
final class References {
    private static final String LOCAL = "local:";

    private References() {
    }

    /**
     * A name in the local store where a command takes only such a name (a new image's, or one to
     * save): {@code local:NAME} is that name too; a layout's {@code oci:…} or a registry's
     * {@code docker://…}, which the reference grammar would read as a host, is refused in one line.
     *
     * @param argument the argument's label, e.g. NEWNAME
     * @throws IllegalArgumentException when the text is another kind of location, or no reference
     */
    static String storeName(String text, String argument) {
        if (text.startsWith(LOCAL)) {
            return text.substring(LOCAL.length());
        }
        if (text.startsWith("oci:") || text.startsWith("docker://")) {
            throw new IllegalArgumentException(argument + " is a name in the local store, not " + text
                    + "; jreg copy writes to a layout or registry");
        }
        return text;
    }

    /** {@link #storeName}, parsed. */
    static Reference storeReference(String text, String argument) {
        return Reference.parse(storeName(text, argument));
    }

    /** True when the text names a tag or digest (after the last '/'), not just a repository. */
    static boolean hasTagOrDigest(String text) {
        return text.contains("@") || text.lastIndexOf(':') > text.lastIndexOf('/');
    }
}
