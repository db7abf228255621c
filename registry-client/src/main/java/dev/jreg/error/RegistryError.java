package dev.jreg.error;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry of a registry's {@code {"errors": [...]}} body (OCI distribution spec, "Error Codes":
 * {@code code}, {@code message}, {@code detail}).
 *
 * @param code the parsed code
 * @param rawCode the code as the registry sent it
 * @param message the registry's message, possibly empty
 * @param detail the entry's {@code detail}, any JSON value the registry chose (distribution sends
 *     the tag or digest asked for, or the access a token lacked), as it came; null when absent or
 *     JSON null
 */
public record RegistryError(ErrorCode code, String rawCode, String message, JsonNode detail) {
    /** Owns its detail. */
    public RegistryError {
        detail = detail == null || detail.isNull() || detail.isMissingNode() ? null : detail.deepCopy();
    }

    /** A copy of the detail (the record keeps its own), or null. */
    @Override
    public JsonNode detail() {
        return detail == null ? null : detail.deepCopy();
    }

    /** The message, else the code as sent, else the parsed code; never the detail. */
    @Override
    public String toString() {
        String text = message == null || message.isBlank() ? rawCode : message;
        return text == null ? code.name().toLowerCase(java.util.Locale.ROOT) : text;
    }
}
