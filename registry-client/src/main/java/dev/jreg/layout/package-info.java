/**
 * OCI image layouts: any layout ({@link dev.jreg.layout.OciLayout}) and jreg's local store
 * ({@link dev.jreg.layout.LocalStore}).
 */
package dev.jreg.layout;
