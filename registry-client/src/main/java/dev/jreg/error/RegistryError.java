package dev.jreg.error;

/**
 * One entry of a registry's {@code {"errors": [...]}} body.
 *
 * @param code the parsed code
 * @param rawCode the code as the registry sent it
 * @param message the registry's message, possibly empty
 */
public record RegistryError(ErrorCode code, String rawCode, String message) {
    @Override
    public String toString() {
        String text = message == null || message.isBlank() ? rawCode : message;
        return text == null ? code.name().toLowerCase(java.util.Locale.ROOT) : text;
    }
}
