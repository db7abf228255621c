/**
 * Internal, not part of the supported API: image archives, as {@code docker save} writes them and
 * {@code docker load} reads them, and OCI archives: {@link dev.jreg.internal.archive.ArchiveWriter}
 * writes images read from an image source into one tar stream,
 * {@link dev.jreg.internal.archive.ArchiveLoader} stores an archive's images into a layout.
 */
package dev.jreg.internal.archive;
