package dev.jreg.internal.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** certs.d files in the forms openssl, cfssl and Go write them. */
class TlsMaterialTest {
    @TempDir
    Path dir;

    private static KeyPair keys(String algorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (!algorithm.equals("Ed25519")) {
            generator.initialize(algorithm.equals("RSA") ? 2048 : 256);
        }
        return generator.generateKeyPair();
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"RSA", "EC", "Ed25519"})
    void pkcs8KeysAreReadByTheJdk(String algorithm) throws Exception {
        KeyPair pair = keys(algorithm);
        Path file = Files.writeString(dir.resolve("client.key"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        PrivateKey key = TlsMaterial.privateKey(file);
        assertArrayEquals(pair.getPrivate().getEncoded(), key.getEncoded());
    }

    /** openssl's traditional forms: {@code RSA PRIVATE KEY} (PKCS#1) and {@code EC PRIVATE KEY} (SEC1). */
    @ParameterizedTest
    @ValueSource(strings = {"RSA", "EC"})
    void pkcs1AndSec1KeysAreRead(String algorithm) throws Exception {
        Path traditional = dir.resolve("client.key");
        if (algorithm.equals("RSA")) {
            openssl("genrsa", "-traditional", "-out", traditional.toString(), "2048");
        } else {
            openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", traditional.toString());
        }
        assertTrue(Files.readString(traditional).startsWith("-----BEGIN " + algorithm + " PRIVATE KEY-----"));
        Path pkcs8 = dir.resolve("pkcs8.key");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", traditional.toString(), "-out", pkcs8.toString());
        PrivateKey key = TlsMaterial.privateKey(traditional);
        PrivateKey same = TlsMaterial.privateKey(pkcs8);
        assertEquals(algorithm, key.getAlgorithm());
        if (key instanceof RSAPrivateKey rsa) {
            assertEquals(((RSAPrivateKey) same).getPrivateExponent(), rsa.getPrivateExponent());
        } else {
            assertEquals(((ECPrivateKey) same).getS(), ((ECPrivateKey) key).getS());
        }
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
    }

    @Test
    void encryptedKeysAreRefusedWithoutQuotingThem() throws Exception {
        Path pkcs8 = Files.writeString(dir.resolve("a.key"), pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}));
        IOException e = assertThrows(IOException.class, () -> TlsMaterial.privateKey(pkcs8));
        assertTrue(e.getMessage().contains("encrypted"), e::getMessage);
        Path pkcs1 = Files.writeString(dir.resolve("b.key"), "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nc2VjcmV0c2VjcmV0\n-----END RSA PRIVATE KEY-----\n");
        e = assertThrows(IOException.class, () -> TlsMaterial.privateKey(pkcs1));
        assertTrue(e.getMessage().contains("encrypted"), e::getMessage);
        assertFalse(e.getMessage().contains("c2VjcmV0"), e::getMessage);
    }

    @Test
    void aFileWithoutAKeySaysSo() throws Exception {
        Path file = Files.writeString(dir.resolve("c.key"), "not a key\n");
        IOException e = assertThrows(IOException.class, () -> TlsMaterial.privateKey(file));
        assertTrue(e.getMessage().contains("holds no unencrypted PEM private key"), e::getMessage);
    }

    @Test
    void bundlesWithTextAroundTheCertificatesAreRead() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        String bundle = "subject=CN = jreg test CA\nissuer=CN = jreg test CA\n" + Files.readString(pki.caCert)
                + "\n# the server's certificate too\n" + Files.readString(pki.serverCert);
        Path file = Files.writeString(dir.resolve("bundle.crt"), bundle);
        List<X509Certificate> certificates = TlsMaterial.certificates(file);
        assertEquals(2, certificates.size());
        assertEquals("CN=jreg test CA", certificates.get(0).getSubjectX500Principal().getName());
        assertEquals("CN=127.0.0.1", certificates.get(1).getSubjectX500Principal().getName());
    }

    @Test
    void aCertsDirWithCaAndClientCertificateLoads() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        Path host = Files.createDirectories(dir.resolve("certs.d/127.0.0.1:5000"));
        Files.copy(pki.caCert, host.resolve("ca.crt"));
        Files.copy(pki.clientCert, host.resolve("client.cert"));
        Files.copy(pki.clientKey, host.resolve("client.key"));
        Optional<TlsMaterial> material = TlsMaterial.find(List.of(dir.resolve("none"), dir.resolve("certs.d")), "127.0.0.1:5000");
        assertTrue(material.isPresent());
        assertTrue(List.of(material.get().trustManager().getAcceptedIssuers()).stream()
                .anyMatch(c -> c.getSubjectX500Principal().getName().equals("CN=jreg test CA")));
    }

    private Path hostFolder() throws Exception {
        return Files.createDirectories(dir.resolve("certs.d/127.0.0.1:5000"));
    }

    private IOException loadFails() {
        return assertThrows(IOException.class,
                () -> TlsMaterial.find(List.of(dir.resolve("certs.d")), "127.0.0.1:5000"));
    }

    @Test
    void aDerCertificateIsRead() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        X509Certificate ca = TlsMaterial.certificates(pki.caCert).get(0);
        Path der = Files.write(dir.resolve("ca.crt"), ca.getEncoded());
        assertEquals(ca, TlsMaterial.certificates(der).get(0));
    }

    @Test
    void unusableFilesAreNamedWithTheReason() throws Exception {
        Path folder = hostFolder();
        Files.writeString(folder.resolve("bad.crt"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        IOException e = loadFails();
        assertTrue(e instanceof dev.jreg.error.InvalidContentException, e::toString);
        assertTrue(e.getMessage().contains("bad.crt") && e.getMessage().contains("cannot be parsed"), e::getMessage);
        Files.delete(folder.resolve("bad.crt"));

        Files.createDirectory(folder.resolve("dir.crt"));
        e = loadFails();
        assertTrue(e.getMessage().contains("dir.crt is a directory"), e::getMessage);
        Files.delete(folder.resolve("dir.crt"));

        Files.createSymbolicLink(folder.resolve("dangling.crt"), dir.resolve("nowhere.crt"));
        e = loadFails();
        assertEquals("cannot use " + folder.resolve("dangling.crt") + ": no such file (a broken link?)", e.getMessage());
    }

    @Test
    void aClientKeyNeedsItsCertificate() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        Files.copy(pki.clientKey, hostFolder().resolve("client.key"));
        IOException e = loadFails();
        assertTrue(e.getMessage().startsWith("client key ") && e.getMessage().endsWith("has no matching client.cert"),
                e::getMessage);
    }

    @Test
    void aClientKeyThatIsNotTheCertificatesIsRefused() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        TestPki other = TestPki.create(dir.resolve("other"));
        Path folder = hostFolder();
        Files.copy(pki.clientCert, folder.resolve("client.cert"));
        Files.copy(other.clientKey, folder.resolve("client.key"));
        IOException e = loadFails();
        assertTrue(e.getMessage().contains("does not match the client certificate"), e::getMessage);
        // An EC key for an RSA certificate too.
        Files.copy(other.serverKey, folder.resolve("client.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        e = loadFails();
        assertTrue(e.getMessage().contains("does not match the client certificate"), e::getMessage);
    }

    /** PKIX reports an expired certificate as "unable to find valid certification path": say what it is. */
    @Test
    void anExpiredCertificateIsCalledThat() throws Exception {
        Path store = dir.resolve("old.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "old", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-startdate", "2020/01/01 00:00:00",
                "-validity", "30", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertEquals(0, keytool.waitFor(), output);
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        X509Certificate old = (X509Certificate) keys.getCertificate("old");
        java.security.cert.CertificateException pkix = new java.security.cert.CertificateException(
                "unable to find valid certification path to requested target");
        java.security.cert.CertificateException explained = TlsMaterial.explained(new X509Certificate[] {old}, pkix);
        assertTrue(explained instanceof java.security.cert.CertificateExpiredException, explained::toString);
        assertTrue(explained.getMessage().startsWith("its TLS certificate has expired (valid from 2020-01-01"),
                explained::getMessage);
        TestPki pki = TestPki.create(dir.resolve("pki"));
        X509Certificate current = TlsMaterial.certificates(pki.serverCert).get(0);
        assertEquals(pkix, TlsMaterial.explained(new X509Certificate[] {current}, pkix));
    }
}
