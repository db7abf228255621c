package dev.jreg.cli;

/** What the user typed, before normalisation fills in {@code latest}. */
final class References {
    private References() {
    }

    /** True when the text names a tag or digest (after the last '/'), not just a repository. */
    static boolean hasTagOrDigest(String text) {
        return text.contains("@") || text.lastIndexOf(':') > text.lastIndexOf('/');
    }
}
