package dev.jreg.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.internal.registry.RegistryClient;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * A fresh ECDSA P-256 key pair in the files {@code skopeo copy --sign-by-sigstore-private-key}
 * and a {@code sigstoreSigned} policy read: the private key in cosign's encrypted form (PEM
 * {@code ENCRYPTED SIGSTORE PRIVATE KEY} around a JSON object: scrypt with N=32768, r=8, p=1 over
 * the passphrase and a 32-byte salt gives the key of a NaCl secretbox, whose 24-byte nonce is
 * given, sealing the PKCS#8 DER of the key; bytes in base64, as Go writes them), the public key as a PEM {@code PUBLIC KEY}.
 *
 * @param privateKey the encrypted private key file
 * @param passphraseFile the passphrase, for {@code --sign-passphrase-file}
 * @param publicKey the public key file
 * @param signer the private key, to sign as skopeo does where its build cannot
 */
record SigstoreKey(Path privateKey, Path passphraseFile, Path publicKey, PrivateKey signer) {
    /** The media type of a sigstore signature's layer, its payload. */
    static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";

    private static final int SCRYPT_N = 32768;
    private static final int SCRYPT_R = 8;
    private static final int SCRYPT_P = 1;

    /** Makes a key pair and writes its files into {@code dir}. */
    static SigstoreKey create(Path dir) throws Exception {
        SecureRandom random = new SecureRandom();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        KeyPair pair = generator.generateKeyPair();
        byte[] passphrase = "test passphrase".getBytes(StandardCharsets.UTF_8);
        byte[] salt = new byte[32];
        byte[] nonce = new byte[24];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        byte[] key = SCrypt.generate(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, 32);

        ObjectNode json = Json.object();
        ObjectNode kdf = json.putObject("kdf").put("name", "scrypt");
        kdf.putObject("params").put("N", SCRYPT_N).put("r", SCRYPT_R).put("p", SCRYPT_P);
        kdf.put("salt", base64(salt));
        json.putObject("cipher").put("name", "nacl/secretbox").put("nonce", base64(nonce));
        json.put("ciphertext", base64(secretbox(pair.getPrivate().getEncoded(), nonce, key)));
        Files.createDirectories(dir);
        SigstoreKey files = new SigstoreKey(dir.resolve("sigstore.key"), dir.resolve("passphrase"),
                dir.resolve("sigstore.pub"), pair.getPrivate());
        Files.writeString(files.privateKey(), pem("ENCRYPTED SIGSTORE PRIVATE KEY", Json.bytes(json)));
        Files.write(files.passphraseFile(), passphrase);
        Files.writeString(files.publicKey(), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        return files;
    }

    /**
     * The signature skopeo's {@code --sign-by-sigstore-private-key} writes, into a layout: an OCI
     * manifest whose one layer is the simple-signing payload naming the image's identity and
     * digest, with the ECDSA signature (ASN.1, base64) over it in the layer's
     * {@code dev.cosignproject.cosign/signature} annotation.
     *
     * @param dockerReference the identity signed, {@code HOST/REPOSITORY:TAG}
     * @return the signature's manifest, to be tagged {@code sha256-HEX.sig}
     */
    ManifestBlob sign(OciLayout layout, String dockerReference, Digest image) throws Exception {
        ObjectNode payload = Json.object();
        ObjectNode critical = payload.putObject("critical");
        critical.putObject("identity").put("docker-reference", dockerReference);
        critical.putObject("image").put("docker-manifest-digest", image.toString());
        critical.put("type", "cosign container image signature");
        payload.putNull("optional");
        byte[] bytes = Json.bytes(payload);
        Signature ecdsa = Signature.getInstance("SHA256withECDSA");
        ecdsa.initSign(signer);
        ecdsa.update(bytes);
        Descriptor layer = new Descriptor(MediaType.of(SIMPLE_SIGNING), Digest.sha256(bytes), bytes.length, null,
                Map.of("dev.cosignproject.cosign/signature", base64(ecdsa.sign())), List.of(), null);
        layout.putBytes(layer.digest(), bytes);
        byte[] config = "{\"architecture\":\"\",\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"config\":{}}"
                .getBytes(StandardCharsets.UTF_8);
        Descriptor configBlob = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256(config), config.length);
        layout.putBytes(configBlob.digest(), config);
        ManifestBlob manifest = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null, configBlob,
                List.of(layer), null, Map.of()));
        layout.putBytes(manifest.digest(), manifest.bytes());
        return manifest;
    }

    /**
     * Checks an image's sigstore signature in its registry as a {@code sigstoreSigned} policy
     * does: a layer of its {@code sha256-HEX.sig} manifest whose payload this public key (read from
     * its PEM file) signed, naming the image's digest and the identity.
     *
     * @return true when such a signature is there
     */
    boolean verifies(RegistryClient registry, Reference image, String identity) throws Exception {
        Digest digest = registry.headManifest(image).orElseThrow().digest();
        Reference attached = image.withTag(digest.algorithm() + "-" + digest.hex() + ".sig");
        if (registry.headManifest(attached).isEmpty()) {
            return false;
        }
        String pem = Files.readString(publicKey).replaceAll("-----[A-Z ]+-----|\\s", "");
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
                Base64.getDecoder().decode(pem)));
        for (Descriptor layer : ((ImageManifest) registry.manifest(attached).manifest()).layers()) {
            byte[] payload;
            try (InputStream in = registry.blob(attached, layer)) {
                payload = in.readAllBytes();
            }
            String signature = layer.annotations().get("dev.cosignproject.cosign/signature");
            if (!layer.mediaType().value().equals(SIMPLE_SIGNING) || signature == null
                    || !Digest.sha256(payload).equals(layer.digest())) {
                continue;
            }
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initVerify(key);
            ecdsa.update(payload);
            JsonNode critical = Json.parse(payload).path("critical");
            if (ecdsa.verify(Base64.getDecoder().decode(signature))
                    && critical.at("/image/docker-manifest-digest").asText().equals(digest.toString())
                    && critical.at("/identity/docker-reference").asText().equals(identity)) {
                return true;
            }
        }
        return false;
    }

    /**
     * NaCl's {@code crypto_secretbox}: the XSalsa20 key stream's first 32 bytes are the one-time
     * Poly1305 key, the rest encrypts the message; the tag over the ciphertext comes first.
     */
    static byte[] secretbox(byte[] message, byte[] nonce, byte[] key) {
        XSalsa20Engine cipher = new XSalsa20Engine();
        cipher.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        byte[] macKey = new byte[32];
        cipher.processBytes(new byte[32], 0, 32, macKey, 0);
        byte[] sealed = new byte[16 + message.length];
        cipher.processBytes(message, 0, message.length, sealed, 16);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(macKey));
        mac.update(sealed, 16, message.length);
        mac.doFinal(sealed, 0);
        return sealed;
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String pem(String type, byte[] body) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(body) + "\n-----END " + type + "-----\n";
    }
}
