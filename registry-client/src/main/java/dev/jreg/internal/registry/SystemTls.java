package dev.jreg.internal.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The system's TLS trust, loaded at the first TLS handshake rather than when the HTTP client is
 * built: parsing the system's CA certificates costs a command about 0.1 s, which one that only
 * speaks plain HTTP to a registry on loopback should not pay.
 *
 * <p>It is the trust manager of OkHttp and of the handshakes: its checks load the system's CAs at
 * the first one that needs them — after the CAs of a certs.d folder, when it has some and they do
 * not vouch for a chain — and say so when a certificate fails for its dates. OkHttp asks it for
 * its accepted issuers when the client is built, only to check certificate pins; jreg pins
 * nothing, so until the system's CAs are loaded that list holds a folder's CAs alone.
 */
final class SystemTls implements X509TrustManager {
    /** The CAs tried before the system's, or null. */
    private final X509TrustManager first;
    private X509TrustManager trust;
    private SSLSocketFactory sockets;

    /** The system's CAs alone. */
    SystemTls() {
        this(null);
    }

    /** @param first CAs tried before the system's (a certs.d folder's), or null */
    SystemTls(X509TrustManager first) {
        this.first = first;
    }

    /** TLS sockets that trust the system's CAs, set up on first use. */
    SSLSocketFactory socketFactory() {
        return new DeferredSockets();
    }

    private synchronized X509TrustManager loadedTrust() throws CertificateException {
        if (trust == null) {
            try {
                trust = TlsMaterial.trustManager(null);
            } catch (GeneralSecurityException e) {
                throw new CertificateException("the system's CA certificates cannot be loaded", e);
            }
        }
        return trust;
    }

    private synchronized SSLSocketFactory loadedSockets() {
        if (sockets == null) {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {this}, null);
                sockets = context.getSocketFactory();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("TLS is not available", e);
            }
        }
        return sockets;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        loadedTrust().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            if (first != null) {
                first.checkServerTrusted(chain, authType);
                return;
            }
        } catch (CertificateException notTheirs) {
            // the system's CAs may vouch for it
        }
        try {
            loadedTrust().checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw TlsMaterial.explained(chain, e);
        }
    }

    @Override
    public synchronized X509Certificate[] getAcceptedIssuers() {
        return Stream.of(first, trust).filter(Objects::nonNull).flatMap(t -> Stream.of(t.getAcceptedIssuers()))
                .toArray(X509Certificate[]::new);
    }

    private final class DeferredSockets extends SSLSocketFactory {
        @Override
        public String[] getDefaultCipherSuites() {
            return loadedSockets().getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return loadedSockets().getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
            return loadedSockets().createSocket(socket, host, port, autoClose);
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return loadedSockets().createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return loadedSockets().createSocket(host, port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return loadedSockets().createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return loadedSockets().createSocket(address, port, localAddress, localPort);
        }
    }
}
