/**
 * Internal, not part of the supported API: paths inside a root directory, resolved through the
 * symbolic links on them as the kernel resolves them for a process whose root is that directory
 * ({@link dev.jreg.internal.fs.LinkResolver}). It knows nothing of jreg's: the layer engine, the
 * build and the sandbox all resolve their paths through it.
 */
package dev.jreg.internal.fs;
