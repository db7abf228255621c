/**
 * Internal, not part of the supported API: OCI image layouts — any layout
 * ({@link dev.jreg.internal.layout.OciLayout}) and jreg's local store
 * ({@link dev.jreg.internal.layout.LocalStore}).
 */
package dev.jreg.internal.layout;
