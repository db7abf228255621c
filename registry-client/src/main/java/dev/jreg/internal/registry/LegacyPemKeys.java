package dev.jreg.internal.registry;

import dev.jreg.error.InvalidContentException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.security.PrivateKey;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}) PEM keys, which the JDK cannot
 * read, through Bouncy Castle. A class of its own so that Bouncy Castle is loaded only when such a
 * key is met.
 */
final class LegacyPemKeys {
    private LegacyPemKeys() {
    }

    /** The private key of one PEM block; the message never quotes the block, which is a secret. */
    static PrivateKey read(String pemBlock, Path file) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pemBlock))) {
            if (parser.readObject() instanceof PEMKeyPair pair) {
                return new JcaPEMKeyConverter().getKeyPair(pair).getPrivate();
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidContentException(file + " holds a private key that cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        throw new InvalidContentException(file + " holds no unencrypted PEM private key (PKCS#1, SEC1 or PKCS#8)");
    }
}
