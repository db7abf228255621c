package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.internal.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key files {@link SigstoreKey} writes are in the form skopeo and cosign read. */
class SigstoreKeyTest {
    @TempDir
    Path dir;

    @Test
    void theSecretboxIsNaClsByItsReferenceVector() {
        byte[] key = new byte[32];
        byte[] nonce = new byte[24];
        byte[] message = new byte[64];
        Arrays.fill(key, (byte) 1);
        Arrays.fill(nonce, (byte) 2);
        Arrays.fill(message, (byte) 3);
        // The output of NaCl's C crypto_secretbox for these inputs, as Go's x/crypto tests it.
        assertEquals("8442bc313f4626f1359e3b50122b6ce6fe66ddfe7d39d14e637eb4fd5b45beadab55198df6ab5368439792a23c87db"
                + "70acb6156dc5ef957ac04f6276cf6093b84be77ff0849cc33e34b7254d5a8f65ad",
                HexFormat.of().formatHex(SigstoreKey.secretbox(message, nonce, key)));
    }

    @Test
    void thePrivateKeyIsCosignsEncryptedPem() throws Exception {
        SigstoreKey key = SigstoreKey.create(dir);
        String pem = Files.readString(key.privateKey());
        assertTrue(pem.startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"), pem);
        assertTrue(pem.endsWith("-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"), pem);
        JsonNode json = Json.parse(Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "")));
        assertEquals("scrypt", json.at("/kdf/name").asText());
        assertEquals(32768, json.at("/kdf/params/N").asInt());
        assertEquals(8, json.at("/kdf/params/r").asInt());
        assertEquals(1, json.at("/kdf/params/p").asInt());
        assertEquals(32, Base64.getDecoder().decode(json.at("/kdf/salt").asText()).length);
        assertEquals("nacl/secretbox", json.at("/cipher/name").asText());
        assertEquals(24, Base64.getDecoder().decode(json.at("/cipher/nonce").asText()).length);
        // The box is the PKCS#8 DER of the key and the 16-byte tag before it.
        int sealed = Base64.getDecoder().decode(json.path("ciphertext").asText()).length;
        assertEquals(16 + key.signer().getEncoded().length, sealed);
        assertTrue(Files.readString(key.publicKey()).startsWith("-----BEGIN PUBLIC KEY-----\n"));
    }
}
