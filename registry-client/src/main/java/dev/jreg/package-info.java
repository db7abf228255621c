/**
 * jreg: a daemonless container-image library. {@link dev.jreg.Jreg} is the façade; the packages
 * {@code model}, {@code error}, {@code auth}, {@code store}, {@code copy}, {@code registry} and
 * {@code layout} hold the parts.
 */
package dev.jreg;
