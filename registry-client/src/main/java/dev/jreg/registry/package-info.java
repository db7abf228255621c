/**
 * The registry transport. OkHttp is used only in this package. {@link dev.jreg.registry.RegistryClient}
 * is the public entry point; auth, token caching, pings and error mapping are internal.
 */
package dev.jreg.registry;
