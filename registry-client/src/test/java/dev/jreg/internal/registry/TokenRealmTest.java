package dev.jreg.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jreg.RegistryOptions;
import dev.jreg.auth.Credentials;
import dev.jreg.error.InvalidContentException;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Where a challenge may send jreg, with the registry's credentials, for a token. */
class TokenRealmTest {
    static final HttpUrl REGISTRY = HttpUrl.get("https://registry.example/");

    static Challenge bearer(String realm) {
        return new Challenge("bearer", realm, "registry", null, null);
    }

    /** The token client must refuse before any request: its HTTP client is never asked for. */
    static InvalidContentException refusedWithCredentials(HttpUrl registry, String realm) {
        TokenClient tokens = new TokenClient((r, t) -> fail("a request to " + t + " was about to be sent"),
                RegistryOptions.defaults());
        return assertThrows(InvalidContentException.class,
                () -> tokens.fetch(registry, bearer(realm), Scope.pull("a"), Credentials.basic("bob", "pw")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://169.254.169.254/token",
        "https://169.254.170.2/v2/credentials",
        "https://[fe80::1]/token",
        "https://[::ffff:169.254.169.254]/token",
        "https://[::169.254.169.254]/token",
        "https://2852039166/token",
        "https://169.254.43518/token",
        "https://0xa9.0xfe.0xa9.0xfe/token",
        "https://0251.0376.0251.0376/token",
        "https://[fd00:ec2::254]/token",
        "https://100.100.100.200/token",
        "https://0.0.0.0/token",
        "https://0/token",
        "https://[::]/token",
        "https://127.0.0.1/token",
        "https://127.1/token",
        "https://[::1]/token",
        "https://[::ffff:127.0.0.1]/token",
        "https://localhost:5001/token",
        "https://auth.localhost./token",
        "//127.0.0.1:5001/token"})
    void realmsANonLoopbackRegistryMayNotName(String realm) {
        InvalidContentException e = refusedWithCredentials(REGISTRY, realm);
        assertTrue(e.getMessage().startsWith("refusing token realm ") && e.getMessage().contains("of registry registry.example: "),
                e.getMessage());
    }

    @Test
    void whyIsSaid() {
        assertTrue(refusedWithCredentials(REGISTRY, "https://169.254.169.254/token").getMessage()
                .endsWith(": a cloud metadata address"));
        assertTrue(refusedWithCredentials(REGISTRY, "https://[fe80::1]/token").getMessage().endsWith(": a link-local address"));
        assertTrue(refusedWithCredentials(REGISTRY, "https://[::]/token").getMessage().endsWith(": an unspecified address"));
        // ::1 has the shape of an IPv4-compatible address (of 0.0.0.1) but is IPv6's loopback.
        assertTrue(refusedWithCredentials(REGISTRY, "https://[::1]/token").getMessage()
                .endsWith(": a loopback address for a registry that is not on loopback"));
        assertTrue(refusedWithCredentials(REGISTRY, "https://127.0.0.1/token").getMessage()
                .endsWith(": a loopback address for a registry that is not on loopback"));
        assertTrue(refusedWithCredentials(REGISTRY, "http://auth.example/token").getMessage()
                .endsWith(": plain HTTP for an HTTPS registry"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://169.254.169.254/token", "https://[::]/token", "https://0.0.0.0:5001/token",
        "https://[fe80::1]:5001/token"})
    void aLoopbackRegistryMayNotNameThemEither(String realm) {
        refusedWithCredentials(HttpUrl.get("http://127.0.0.1:5000/"), realm);
        refusedWithCredentials(HttpUrl.get("http://localhost:5000/"), realm);
    }

    @ParameterizedTest
    @CsvSource({
        "https://registry.example/, https://auth.example/token, https://auth.example/token",
        "https://registry.example/, /token, https://registry.example/token",
        "https://registry.example/, token?x=1, https://registry.example/token?x=1",
        "https://registry.example/, https://10.1.2.3/token, https://10.1.2.3/token",
        "https://registry.example/, https://169.254.example/token, https://169.254.example/token",
        "http://127.0.0.1:5000/, https://127.0.0.1:5001/token, https://127.0.0.1:5001/token",
        "http://127.0.0.1:5000/, http://localhost:5001/token, http://localhost:5001/token",
        "http://[::1]:5000/, /token, http://[::1]:5000/token",
        "https://169.254.10.10/, /token, https://169.254.10.10/token",
        "http://127.0.0.1:5000/, https://[::1]:5001/token, https://[::1]:5001/token",
        "http://127.0.0.1:5000/, https://[0:0:0:0:0:0:0:1]:5001/token, https://[::1]:5001/token"})
    void realmsThatAreFine(String registry, String realm, String resolved) throws Exception {
        assertEquals(HttpUrl.get(resolved), TokenRealm.resolve(HttpUrl.get(registry), bearer(realm)));
    }

    @Test
    void aRelativeRealmKeepsTheRegistrysScheme() throws Exception {
        assertEquals("https", TokenRealm.resolve(REGISTRY, bearer("/token")).scheme());
        refusedWithCredentials(REGISTRY, "http:/token");
    }

    @Test
    void anEmptyOrUnusableRealmIsNoRealm() {
        for (String realm : new String[] {null, "ftp://auth.example/token"}) {
            InvalidContentException e = assertThrows(InvalidContentException.class,
                    () -> TokenRealm.resolve(REGISTRY, bearer(realm)));
            assertTrue(e.getMessage().contains("without a valid realm"), e.getMessage());
        }
    }

    /** Realms and redirects are named in messages and --debug lines: never with what they carry. */
    @Test
    void urlsAreNamedWithoutUserInformationOrQuery() {
        assertEquals("https://auth.example/token", Errors.redact(HttpUrl.get("https://tokuser:tokpass@auth.example/token?x=1#f")));
        assertTrue(!refusedWithCredentials(REGISTRY, "https://user:pw@169.254.169.254/token").getMessage().contains("pw"));
    }
}
