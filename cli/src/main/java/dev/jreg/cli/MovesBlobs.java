package dev.jreg.cli;

/**
 * Marks a command that may pass whole blobs through SHA-256 or TLS: the launcher keeps the
 * optimising compiler for it, the only one that turns SHA-256 and AES-GCM into the CPU's SHA and
 * AES instructions.
 */
interface MovesBlobs {
}
