package dev.jreg;

import dev.jreg.model.Descriptor;

/**
 * What {@link Jreg#export} wrote.
 *
 * @param manifest the image exported: its manifest (of the platform chosen, from an index)
 * @param layers how many layers were flattened
 * @param entries the tar stream's entries: one per path, the root's own first where a layer gave one
 * @param size the tar stream's length in bytes
 */
public record ExportResult(Descriptor manifest, int layers, long entries, long size) {
}
