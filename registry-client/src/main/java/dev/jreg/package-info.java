/**
 * jreg: a daemonless container-image library speaking the OCI Distribution API.
 *
 * <p>The supported API is this package — the façade {@link dev.jreg.Jreg} and the values it takes
 * and returns (options, locations, results, listeners) — and the packages {@code dev.jreg.model}
 * (references, digests, descriptors, platforms, manifests, configs), {@code dev.jreg.error} (every
 * exception a call throws) and {@code dev.jreg.auth} (credentials and keychains). Packages under
 * {@code dev.jreg.internal} are not: their public types serve the library's own packages only, and
 * no public signature of the API names one.
 *
 * <pre>{@code
 * Jreg jreg = Jreg.open(JregOptions.defaults(Path.of("/tmp/store")));
 * CopyResult pulled = jreg.pull(Reference.parse("nginx:1.24.0"), CopyOptions.defaults());
 * List<String> tags = jreg.tags(new ImageLocation.Registry(Reference.parse("nginx")));
 * }</pre>
 */
package dev.jreg;
