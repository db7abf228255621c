package dev.jreg.cli;

/**
 * Marks a command that moves whole blobs through SHA-256, so that start-up warms the hashing up
 * while the command line is still being parsed.
 */
interface MovesBlobs {
}
