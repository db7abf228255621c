/**
 * Internal, not part of the supported API: the layer engine. It reads and writes filesystem
 * layers (tar streams, as the OCI image spec's layer section defines them: whiteouts, opaque
 * directories, hard links), applies them to a directory without ever writing outside it, and
 * compares a directory with the filesystem an image's layers describe.
 */
package dev.jreg.internal.layer;
