package dev.jreg.internal.build;

import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.Platform;
import java.io.IOException;
import java.io.InputStream;

/**
 * What a build takes from outside the store, which the façade provides: the images {@code FROM}
 * and {@code COPY --from} name, brought into the store as {@code jreg pull} brings them, and the
 * files {@code ADD} downloads. The build package itself reaches no registry or web server.
 */
public interface BuildSources {
    /**
     * The image a name gives, in the store with every blob: pulled when the store lacks it or
     * lacks the platform, or always when {@code pull} is set.
     *
     * @param name an image reference as written ({@code python:3.9-slim}, {@code localhost:5000/base@sha256:…})
     * @param platform the platform to take from an index
     * @throws IllegalArgumentException when the name is no image reference
     * @throws IOException as a pull or a read of the store fails
     */
    Resolved image(String name, Platform platform, boolean pull) throws IOException;

    /**
     * Opens a URL's file, as {@code ADD https://…} fetches it.
     *
     * @throws IOException when the server cannot be reached or answers with an error
     */
    Download download(String url) throws IOException;

    /**
     * An image in the store.
     *
     * @param name its full name, as progress shows it ({@code docker.io/library/python:3.9-slim})
     * @param manifest the image manifest's digest (the platform's, for an index)
     * @param image the image manifest
     * @param config its config's bytes
     * @param pulled whether it was pulled now
     */
    record Resolved(String name, Digest manifest, ImageManifest image, byte[] config, boolean pulled) {
    }

    /**
     * A URL's file.
     *
     * @param body its bytes, for the build to read and close
     * @param lastModified the answer's {@code Last-Modified} header, or null
     */
    record Download(InputStream body, String lastModified) {
    }
}
