package dev.jreg;

import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;

/**
 * One image an archive holds under one name, as {@link Jreg#save} wrote it or {@link Jreg#load}
 * stored it.
 *
 * @param name the full name, or null for an image without one (saved by digest or image ID, as
 *     docker saves it without a name)
 * @param manifest the image manifest or index the name points at
 * @param imageId docker's image ID: the config's digest, or the index's digest for an index
 */
public record ArchivedImage(Reference name, Descriptor manifest, Digest imageId) {
}
