package dev.jreg;

import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.copy.ImageReader;
import dev.jreg.internal.store.ImageSource;
import dev.jreg.model.Descriptor;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One image read from a location: the manifest a name gives, or the chosen platform's of an index.
 *
 * @param source where its blobs are read, verified
 * @param reader reads its config from there
 * @param manifest the image manifest's bytes, media type and digest
 * @param image the image manifest
 */
record ChosenImage(ImageSource source, ImageReader reader, ManifestBlob manifest, ImageManifest image) {

    /** What reads a layer's blob: its tar, to the tar's end. */
    @FunctionalInterface
    interface LayerReading {
        void read(String layer, InputStream blob) throws IOException;
    }

    /**
     * Hands each layer's blob to {@code reading}, lowest first, then reads what it left of the
     * blob, so that every byte is hashed and the digest checked at the blob's end.
     *
     * @throws DigestMismatchException when a blob is not its digest or size, also where its
     *     damaged bytes did not read as a layer
     */
    void readLayers(LayerReading reading) throws IOException {
        for (Descriptor layer : image.layers()) {
            try (InputStream blob = source.blob(layer)) {
                try {
                    reading.read(layer.digest().toString(), blob);
                } catch (InvalidContentException unreadable) {
                    // A layer that does not read may be a damaged blob: its digest tells, and is the cause to give.
                    try {
                        blob.transferTo(OutputStream.nullOutputStream());
                    } catch (DigestMismatchException damaged) {
                        damaged.addSuppressed(unreadable);
                        throw damaged;
                    }
                    throw unreadable;
                }
                blob.transferTo(OutputStream.nullOutputStream());
            }
        }
    }
}
