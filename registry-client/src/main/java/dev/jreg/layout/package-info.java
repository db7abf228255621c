/** The local store, an OCI image layout: {@link dev.jreg.layout.OciLayout}. */
package dev.jreg.layout;
