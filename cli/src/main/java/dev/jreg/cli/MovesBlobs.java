package dev.jreg.cli;

/**
 * Marks a command that may pass whole blobs through SHA-256: the launcher keeps the optimising
 * compiler for it, the only one that turns SHA-256 into the CPU's SHA instructions. Such a command
 * calls {@link dev.jreg.model.Digest#warmUpHashing()} as soon as it knows that it will hash, so
 * that the compiled code is ready before the first large blob arrives.
 */
interface MovesBlobs {
}
