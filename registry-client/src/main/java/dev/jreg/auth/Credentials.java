package dev.jreg.auth;

/**
 * Credentials for one registry. {@link #toString()} never shows the secret.
 *
 * @param username user name, or null with an identity token alone
 * @param password password or access token, or null
 * @param identityToken an OAuth2 refresh token (docker's {@code identitytoken}), or null
 */
public record Credentials(String username, String password, String identityToken) {
    /** Username and password. */
    public static Credentials basic(String username, String password) {
        return new Credentials(username, password, null);
    }

    /** True when a username and password are present. */
    public boolean hasPassword() {
        return username != null && !username.isEmpty() && password != null;
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", secret=" + (password != null || identityToken != null ? "<redacted>" : "none") + "]";
    }
}
