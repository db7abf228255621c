package dev.jreg.cli;

/**
 * Marks a command that may move whole blobs through SHA-256: the launcher keeps the optimising
 * compiler for it, and start-up warms the hashing up while the command line is still being parsed.
 */
interface MovesBlobs {
    /**
     * Whether to warm the hashing up before parsing. A command whose arguments decide whether it
     * hashes at all answers no and warms up itself once it knows.
     */
    default boolean hashesWhateverItsArguments() {
        return true;
    }
}
