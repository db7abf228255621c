package dev.jreg.internal.registry;

import dev.jreg.error.InvalidContentException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * docker's {@code certs.d} convention for one registry: {@code *.crt} files are extra CAs (the
 * system's stay trusted), {@code *.cert} with a {@code *.key} of the same name is a client
 * certificate for mutual TLS. Keys may be PKCS#1, SEC1 or PKCS#8 PEM.
 *
 * <p>Certificates and PKCS#8 keys are read by the JDK; Bouncy Castle is loaded only for the
 * PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}) forms, which the JDK has no
 * reader for ({@link LegacyPemKeys}).
 *
 * @param socketFactory TLS sockets with these CAs and client certificate
 * @param trustManager the system's CAs plus these
 */
record TlsMaterial(SSLSocketFactory socketFactory, X509TrustManager trustManager) {
    /**
     * The material for {@code host[:port]} from the first of the roots that has a folder for it.
     *
     * @return empty when no root has one
     */
    static Optional<TlsMaterial> find(List<Path> roots, String hostPort) throws IOException {
        Optional<Path> dir = roots.stream().map(root -> root.resolve(hostPort.replace("[", "").replace("]", "")))
                .filter(Files::isDirectory).findFirst();
        return dir.isPresent() ? Optional.of(load(dir.get())) : Optional.empty();
    }

    /**
     * Reads a folder the docker way; a file that cannot be used is an {@link InvalidContentException}
     * naming it (the folder is the user's configuration, not the network's fault).
     */
    private static TlsMaterial load(Path dir) throws IOException {
        List<X509Certificate> cas = new ArrayList<>();
        KeyManager[] keyManagers = null;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                try {
                    if (name.endsWith(".crt")) {
                        cas.addAll(certificates(file));
                    } else if (name.endsWith(".cert")) {
                        keyManagers = keyManagers(certificates(file), privateKey(pairOf(file, ".cert", ".key")));
                    } else if (name.endsWith(".key")) {
                        pairOf(file, ".key", ".cert");
                    }
                } catch (IOException | GeneralSecurityException e) {
                    throw e instanceof InvalidContentException invalid ? invalid
                            : new InvalidContentException("cannot use " + file + ": " + reason(e), e);
                }
            }
        }
        try {
            X509TrustManager trust = combined(cas);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, new TrustManager[] {trust}, new SecureRandom());
            return new TlsMaterial(context.getSocketFactory(), trust);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the TLS files in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** docker's rule: a client certificate and its key come in pairs of the same name. */
    private static Path pairOf(Path file, String suffix, String otherSuffix) throws InvalidContentException {
        String name = file.getFileName().toString();
        Path other = file.resolveSibling(name.substring(0, name.length() - suffix.length()) + otherSuffix);
        if (!Files.isRegularFile(other)) {
            String what = suffix.equals(".cert") ? "client certificate " : "client key ";
            throw new InvalidContentException(what + file + " has no matching " + other.getFileName());
        }
        return other;
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file (a broken link?)";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** A PEM block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}…), headers and base64 body. */
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
    /** Algorithms the JDK can build from a PKCS#8 key, tried in turn (the encoding names its own). */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA");

    /**
     * Every certificate in a PEM file (text around the blocks, as openssl writes it, is ignored),
     * or the one certificate of a DER file.
     */
    static List<X509Certificate> certificates(Path file) throws IOException, CertificateException {
        if (Files.isDirectory(file)) {
            throw new InvalidContentException(file + " is a directory, not a certificate file");
        }
        byte[] bytes = Files.readAllBytes(file);
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        Matcher block = PEM.matcher(new String(bytes, StandardCharsets.ISO_8859_1));
        while (block.find()) {
            if (block.group(1).equals("CERTIFICATE") || block.group(1).equals("TRUSTED CERTIFICATE")) {
                out.add(certificate(factory, decode(block.group(2), file),
                        file + " holds a PEM certificate that cannot be parsed"));
            }
        }
        if (out.isEmpty() && bytes.length > 0 && bytes[0] == 0x30) {
            out.add(certificate(factory, bytes, file + " holds neither a PEM nor a DER certificate"));
        }
        if (out.isEmpty()) {
            throw new InvalidContentException(file + " holds no PEM certificate");
        }
        return out;
    }

    private static X509Certificate certificate(CertificateFactory factory, byte[] der, String unparsable)
            throws InvalidContentException {
        try {
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new InvalidContentException(unparsable, e);
        }
    }

    /** The first private key in a PEM file; never quotes the file, which is a secret. */
    static PrivateKey privateKey(Path file) throws IOException {
        Matcher block = PEM.matcher(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        while (block.find()) {
            String label = block.group(1);
            if (label.equals("ENCRYPTED PRIVATE KEY")) {
                throw new InvalidContentException(file + " holds an encrypted PEM block; jreg reads unencrypted ones only");
            }
            if (label.equals("PRIVATE KEY")) {
                return pkcs8(decode(block.group(2), file), file);
            }
            if (label.equals("RSA PRIVATE KEY") || label.equals("EC PRIVATE KEY")) {
                decode(block.group(2), file); // refuses an encrypted block
                return LegacyPemKeys.read(block.group(), file);
            }
        }
        throw new InvalidContentException(file + " holds no unencrypted PEM private key (PKCS#1, SEC1 or PKCS#8)");
    }

    private static PrivateKey pkcs8(byte[] der, Path file) throws IOException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException notThisOne) {
                // the next algorithm
            }
        }
        throw new InvalidContentException(file + " holds a PKCS#8 private key of an algorithm this Java cannot use");
    }

    private static byte[] decode(String body, Path file) throws IOException {
        if (body.contains(":")) {
            throw new InvalidContentException(file + " holds an encrypted PEM block; jreg reads unencrypted ones only");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(body);
            if (der.length > 0) {
                return der;
            }
        } catch (IllegalArgumentException notBase64) {
            // refused below, as an empty block is
        }
        throw new InvalidContentException(file + " holds a PEM block that is not valid base64");
    }

    private static KeyManager[] keyManagers(List<X509Certificate> chain, PrivateKey key) throws GeneralSecurityException,
            IOException {
        if (!matches(chain.get(0), key)) {
            throw new InvalidContentException("the client key does not match the client certificate's public key");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        char[] password = new char[0];
        store.setKeyEntry("client", key, password, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }

    /** Whether a signature made with the key verifies with the certificate's public key. */
    private static boolean matches(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null; // RSASSA-PSS and DSA: left to the handshake
        };
        if (algorithm == null) {
            return true;
        }
        byte[] probe = "jreg client key check".getBytes(StandardCharsets.US_ASCII);
        java.security.Signature signer = java.security.Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        try {
            signer.initVerify(certificate.getPublicKey());
            signer.update(probe);
            return signer.verify(signature);
        } catch (java.security.InvalidKeyException | java.security.SignatureException otherKind) {
            return false;
        }
    }

    /**
     * The extra CAs, then the system's trust store ({@link SystemTls}): either may vouch for a
     * server. The system's store (about 140 CAs, 60 ms to load) is read only when a chain is not
     * the extra CAs' own, which for a registry with a private CA is never. Until then the accepted
     * issuers are the extra CAs alone: OkHttp asks for them only to clean chains for certificate
     * pinning, and jreg pins nothing.
     */
    private static X509TrustManager combined(List<X509Certificate> cas) throws GeneralSecurityException, IOException {
        if (cas.isEmpty()) {
            return trustManager(null);
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            store.setCertificateEntry("ca-" + i, cas.get(i));
        }
        return new SystemTls(trustManager(store));
    }

    /**
     * Says why a chain failed when the reason is its dates: PKIX path building rejects an expired
     * certificate with "unable to find valid certification path", which would send the user
     * looking for a CA they already have.
     */
    static CertificateException explained(X509Certificate[] chain, CertificateException e) {
        if (chain == null || chain.length == 0) {
            return e;
        }
        X509Certificate leaf = chain[0];
        String valid = " (valid from " + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant() + ")";
        CertificateException out;
        try {
            leaf.checkValidity();
            return e;
        } catch (java.security.cert.CertificateExpiredException expired) {
            out = new java.security.cert.CertificateExpiredException("its TLS certificate has expired" + valid);
        } catch (java.security.cert.CertificateNotYetValidException early) {
            out = new java.security.cert.CertificateNotYetValidException(
                    "its TLS certificate is not valid yet" + valid);
        }
        out.initCause(e);
        return out;
    }

    /** The X.509 trust manager over a key store of CAs; null means the system's. */
    static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return Stream.of(factory.getTrustManagers()).filter(X509TrustManager.class::isInstance)
                .map(X509TrustManager.class::cast).findFirst()
                .orElseThrow(() -> new GeneralSecurityException("no X.509 trust manager"));
    }
}
