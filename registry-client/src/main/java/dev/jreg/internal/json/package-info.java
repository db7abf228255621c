/**
 * Internal, not part of the supported API: the one configured Jackson parser and generator every
 * package reads and writes JSON with.
 */
package dev.jreg.internal.json;
