package dev.jreg.internal.sandbox;

import java.io.IOException;

/**
 * This machine cannot run a {@code RUN} command: bubblewrap is missing, the kernel refuses the
 * namespaces it needs, or the image's platform does not run here. The message is one line saying
 * what is missing and how to get it ({@code bwrap is not installed: install bubblewrap (apt-get
 * install bubblewrap)}).
 */
public final class SandboxUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    SandboxUnavailableException(String message) {
        super(message);
    }
}
