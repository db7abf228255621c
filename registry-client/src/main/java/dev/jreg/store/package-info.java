/**
 * The two roles every image store plays: {@link dev.jreg.store.ImageSource} and
 * {@link dev.jreg.store.ImageSink}. The copy engine moves images between any pair.
 */
package dev.jreg.store;
