/**
 * Immutable values of the image model: references, digests, media types, descriptors, platforms,
 * manifests and configs. No I/O. {@link dev.jreg.model.ManifestBlob} keeps manifests as the exact
 * bytes so digests never change on copy.
 */
package dev.jreg.model;
