/**
 * Every exception jreg throws. Registry failures extend {@link java.io.IOException} (OkHttp's
 * interceptor contract) and carry the parsed error body; callers choose by type, never by message.
 */
package dev.jreg.error;
