/** The copy engine shared by pull, push, mirror and save: {@link dev.jreg.copy.Copier}. */
package dev.jreg.copy;
