/**
 * Internal, not part of the supported API: the registry transport, the only package that uses
 * OkHttp. {@link dev.jreg.internal.registry.RegistryClient} is its entry point; authentication,
 * tokens, pings, retries, proxies, TLS and error mapping stay inside.
 */
package dev.jreg.internal.registry;
