package dev.jreg;

import dev.jreg.model.Descriptor;
import java.util.Objects;

/**
 * A manifest that refers to another (a signature, an attestation, an SBOM), as {@link
 * Jreg#referrers} found it.
 *
 * @param descriptor the referrer's descriptor: media type, digest, size, and where the registry
 *     gives them its {@code artifactType} and annotations
 * @param foundBy how it was found: {@code referrers API} (OCI distribution spec 1.1), {@code
 *     referrers tag} (the spec's fallback, an index tagged {@code sha256-HEX}), or {@code tag NAME}
 *     for a tag of the {@code sha256-HEX.sig}, {@code .att} and {@code .sbom} schema that cosign
 *     and skopeo write
 */
public record Referrer(Descriptor descriptor, String foundBy) {
    public Referrer {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(foundBy, "foundBy");
    }
}
