/**
 * Internal, not part of the supported API: the two roles every image store plays,
 * {@link dev.jreg.internal.store.ImageSource} and {@link dev.jreg.internal.store.ImageSink},
 * between which the copy engine moves images, {@link dev.jreg.internal.store.VerifiedCopy},
 * the one check of a blob's bytes as they pass, and
 * {@link dev.jreg.internal.store.HashingOutputStream}, the one hash of a new blob's bytes as they
 * are written.
 */
package dev.jreg.internal.store;
