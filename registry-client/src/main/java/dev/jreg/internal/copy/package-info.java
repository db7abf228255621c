/**
 * Internal, not part of the supported API: the copy engine shared by pull, push, copy and mirror
 * ({@link dev.jreg.internal.copy.Copier}), with what choosing and describing images reads
 * ({@link dev.jreg.internal.copy.ImageReader}) and manifest format conversion.
 */
package dev.jreg.internal.copy;
