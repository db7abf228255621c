package dev.jreg.registry;

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
import java.security.cert.Certificate;
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
 * @param describe where the material came from, for messages
 */
record TlsMaterial(SSLSocketFactory socketFactory, X509TrustManager trustManager, String describe) {
    /**
     * The material for {@code host[:port]} from the first of the roots that has a folder for it.
     *
     * @return empty when no root has one
     */
    static Optional<TlsMaterial> find(List<Path> roots, String hostPort) throws IOException {
        for (Path root : roots) {
            Path dir = root.resolve(hostPort.replace("[", "").replace("]", ""));
            if (Files.isDirectory(dir)) {
                return Optional.of(load(dir));
            }
        }
        return Optional.empty();
    }

    private static TlsMaterial load(Path dir) throws IOException {
        try {
            List<X509Certificate> cas = new ArrayList<>();
            KeyManager[] keyManagers = null;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".crt")) {
                        cas.addAll(certificates(file));
                    } else if (name.endsWith(".cert")) {
                        Path key = dir.resolve(name.substring(0, name.length() - 5) + ".key");
                        if (!Files.isRegularFile(key)) {
                            throw new IOException("client certificate " + file + " has no matching " + key.getFileName());
                        }
                        keyManagers = keyManagers(certificates(file), privateKey(key));
                    }
                }
            }
            X509TrustManager trust = combined(cas);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, new TrustManager[] {trust}, new SecureRandom());
            return new TlsMaterial(context.getSocketFactory(), trust, dir.toString());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the TLS files in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A PEM block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}…), headers and base64 body. */
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
    /** Algorithms the JDK can build from a PKCS#8 key, tried in turn (the encoding names its own). */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA");

    /** Every certificate in a PEM file (text around the blocks, as openssl writes it, is ignored). */
    static List<X509Certificate> certificates(Path file) throws IOException, CertificateException {
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        Matcher block = PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        while (block.find()) {
            if (block.group(1).equals("CERTIFICATE") || block.group(1).equals("TRUSTED CERTIFICATE")) {
                Certificate certificate = factory.generateCertificate(new ByteArrayInputStream(decode(block.group(2), file)));
                if (certificate instanceof X509Certificate x509) {
                    out.add(x509);
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException(file + " holds no PEM certificate");
        }
        return out;
    }

    /** The first private key in a PEM file; never quotes the file, which is a secret. */
    static PrivateKey privateKey(Path file) throws IOException {
        Matcher block = PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        while (block.find()) {
            String label = block.group(1);
            if (label.equals("ENCRYPTED PRIVATE KEY")) {
                throw new IOException(file + " holds an encrypted PEM block; jreg reads unencrypted ones only");
            }
            if (label.equals("PRIVATE KEY")) {
                return pkcs8(decode(block.group(2), file), file);
            }
            if (label.equals("RSA PRIVATE KEY") || label.equals("EC PRIVATE KEY")) {
                decode(block.group(2), file); // refuses an encrypted block
                return LegacyPemKeys.read(block.group(), file);
            }
        }
        throw new IOException(file + " holds no unencrypted PEM private key (PKCS#1, SEC1 or PKCS#8)");
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
        throw new IOException(file + " holds a PKCS#8 private key of an algorithm this Java cannot use");
    }

    private static byte[] decode(String body, Path file) throws IOException {
        if (body.contains(":")) {
            throw new IOException(file + " holds an encrypted PEM block; jreg reads unencrypted ones only");
        }
        try {
            return Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " holds a PEM block that is not valid base64");
        }
    }

    private static KeyManager[] keyManagers(List<X509Certificate> chain, PrivateKey key) throws GeneralSecurityException,
            IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        char[] password = new char[0];
        store.setKeyEntry("client", key, password, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }

    /**
     * The extra CAs, then the system's trust store: either may vouch for a server. The system's
     * store (about 140 CAs, 60 ms to load) is read only when a chain is not the extra CAs' own,
     * which for a registry with a private CA is never. Until then the accepted issuers are the
     * extra CAs alone: OkHttp asks for them only to clean chains for certificate pinning, and
     * jreg pins nothing.
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
        X509TrustManager extra = trustManager(store);
        return new X509TrustManager() {
            private X509TrustManager system;

            private synchronized X509TrustManager system() throws CertificateException {
                if (system == null) {
                    try {
                        system = trustManager(null);
                    } catch (GeneralSecurityException e) {
                        throw new CertificateException("the system's CA certificates cannot be loaded", e);
                    }
                }
                return system;
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                system().checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                try {
                    extra.checkServerTrusted(chain, authType);
                } catch (CertificateException notOurs) {
                    system().checkServerTrusted(chain, authType);
                }
            }

            @Override
            public synchronized X509Certificate[] getAcceptedIssuers() {
                List<X509Certificate> all = new ArrayList<>(List.of(extra.getAcceptedIssuers()));
                if (system != null) {
                    all.addAll(List.of(system.getAcceptedIssuers()));
                }
                return all.toArray(new X509Certificate[0]);
            }
        };
    }

    /** The X.509 trust manager over a key store of CAs; null means the system's. */
    static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }
}
