package dev.jreg.testing;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away CA with a server certificate for 127.0.0.1/localhost and a client certificate, as PEM files. */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A host name the server certificate carries besides 127.0.0.1 and localhost. */
    public static final String REGISTRY_NAME = "registry.test";

    public final Path caCert;
    public final Path serverCert;
    public final Path serverKey;
    public final Path clientCert;
    public final Path clientKey;
    private final KeyPair serverKeys;
    private final X509Certificate[] serverChain;

    private TestPki(Path dir) throws IOException, GeneralSecurityException, OperatorCreationException {
        Files.createDirectories(dir);
        KeyPair caKeys = keys("RSA");
        X500Name caName = new X500Name("CN=jreg test CA");
        JcaX509v3CertificateBuilder ca = builder(caName, caName, caKeys);
        ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate caCertificate = sign(ca, caKeys);

        KeyPair serverKeys = keys("EC");
        JcaX509v3CertificateBuilder server = builder(caName, new X500Name("CN=127.0.0.1"), serverKeys);
        server.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost"),
            // A name no system resolver knows, for registries reached through jreg's own DNS servers.
            new GeneralName(GeneralName.dNSName, REGISTRY_NAME)}));
        server.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        X509Certificate serverCertificate = sign(server, caKeys);
        this.serverKeys = serverKeys;
        this.serverChain = new X509Certificate[] {serverCertificate, caCertificate};

        KeyPair clientKeys = keys("RSA");
        JcaX509v3CertificateBuilder client = builder(caName, new X500Name("CN=jreg test client"), clientKeys);
        client.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        X509Certificate clientCertificate = sign(client, caKeys);

        caCert = write(dir.resolve("ca.pem"), caCertificate);
        serverCert = write(dir.resolve("server.pem"), serverCertificate);
        // PKCS#8 for the server (what Go reads for EC keys); the client key stays PKCS#1, jreg reads both.
        serverKey = write(dir.resolve("server-key.pem"), new JcaPKCS8Generator(serverKeys.getPrivate(), null).generate());
        clientCert = write(dir.resolve("client.pem"), clientCertificate);
        clientKey = write(dir.resolve("client-key.pem"), clientKeys.getPrivate());
    }

    /** Makes the files in a new folder. */
    public static TestPki create(Path dir) throws Exception {
        return new TestPki(dir);
    }

    /**
     * Fills a folder the docker {@code certs.d} way (which skopeo's {@code --cert-dir} reads too):
     * the CA as {@code ca.crt}, and with {@code clientCertificate} the client's
     * {@code client.cert} and {@code client.key}.
     */
    public Path writeCertsDir(Path folder, boolean clientCertificate) throws IOException {
        Files.createDirectories(folder);
        Files.copy(caCert, folder.resolve("ca.crt"));
        if (clientCertificate) {
            Files.copy(clientCert, folder.resolve("client.cert"));
            Files.copy(clientKey, folder.resolve("client.key"));
        }
        return folder;
    }

    /** TLS with the server certificate, for a test server in this JVM (the token issuer). */
    public SSLContext serverContext() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "jreg-test".toCharArray();
        store.setKeyEntry("server", serverKeys.getPrivate(), password, serverChain);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static KeyPair keys(String algorithm) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize(algorithm.equals("RSA") ? 2048 : 256);
        return generator.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(2, ChronoUnit.DAYS)), subject, keys.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair issuer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuer.getPrivate())));
    }

    private static Path write(Path file, Object pem) throws IOException {
        try (Writer writer = Files.newBufferedWriter(file); JcaPEMWriter pemWriter = new JcaPEMWriter(writer)) {
            pemWriter.writeObject(pem);
        }
        return file;
    }
}
