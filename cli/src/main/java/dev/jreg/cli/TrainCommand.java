package dev.jreg.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Hidden: the workload the launcher records its start-up archive from (AppCDS, or the AOT cache on
 * JDK 25+), so the archive holds the classes of real commands (HTTP, JSON, TLS, the store) whatever
 * command runs first. It talks only to throw-away registries on 127.0.0.1 that it serves itself,
 * over plain HTTP and HTTPS, in a temporary store.
 */
final class TrainCommand extends Subcommand {
    private final Map<String, byte[]> blobs = new HashMap<>();
    private final Map<String, byte[]> manifests = new HashMap<>();

    @Override
    CommandModel model() {
        return CommandModel.of("__train-cds", this)
                .hidden();
    }

    @Override
    public Integer call() throws Exception {
        SSLContext.getDefault().getSocketFactory();
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"sh\"]},\"history\":[{}]}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = new byte[300_000];
        new java.util.Random(1).nextBytes(layer);
        Descriptor configD = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256(config), config.length);
        Descriptor layerD = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(layer), layer.length);
        blobs.put(configD.digest().toString(), config);
        blobs.put(layerD.digest().toString(), layer);
        ManifestBlob manifest = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null, configD,
                List.of(layerD), null, null));
        manifests.put("1", manifest.bytes());
        manifests.put(manifest.digest().toString(), manifest.bytes());

        Path home = Files.createTempDirectory("jreg-train");
        List<HttpServer> servers = new ArrayList<>();
        try {
            HttpServer plain = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            servers.add(plain);
            // Users reach registries over HTTPS, most with a private CA in certs.d: the archive
            // should hold those classes too (TLS, certificate parsing, EC), when this JDK has a
            // keytool to make a throw-away certificate with.
            SSLContext tls = throwAwayTls(home);
            if (tls != null) {
                HttpsServer secure = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                secure.setHttpsConfigurator(new HttpsConfigurator(tls));
                servers.add(secure);
            }
            Map<String, String> env = Map.of("JREG_HOME", home.resolve("store").toString(), "PATH", "/usr/bin:/bin",
                    "XDG_CONFIG_HOME", home.resolve("config").toString());
            PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream());
            CliContext quiet = new CliContext(env, home, InputStream.nullInputStream(), OutputStream.nullOutputStream(), sink,
                    sink, false);
            for (HttpServer server : servers) {
                server.createContext("/", this::serve);
                server.start();
                String registry = "127.0.0.1:" + server.getAddress().getPort();
                if (server instanceof HttpsServer) {
                    Path certs = Files.createDirectories(home.resolve("config/jreg/certs.d").resolve(registry));
                    Files.copy(home.resolve("ca.crt"), certs.resolve("ca.crt"));
                }
                train(quiet, registry);
            }
        } finally {
            servers.forEach(server -> server.stop(0));
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return ExitCodes.OK;
    }

    private static void train(CliContext quiet, String registry) {
        for (String[] args : List.of(
                new String[] {"pull", registry + "/train/app:1"},
                new String[] {"images"},
                new String[] {"images", "--format", "json"},
                new String[] {"inspect", "--format", "json", registry + "/train/app:1"},
                new String[] {"inspect", registry + "/train/app:1"},
                new String[] {"tags", "--details", registry + "/train/app"},
                new String[] {"tag", registry + "/train/app:1", registry + "/train/copy:1"},
                new String[] {"push", registry + "/train/copy:1"},
                new String[] {"copy", registry + "/train/app:1", registry + "/train/other:1"},
                new String[] {"rm", registry + "/train/app:1"},
                new String[] {"verify"})) {
            JregCommand.run(quiet, args);
        }
    }

    /**
     * A self-signed EC certificate for 127.0.0.1 made by this JDK's keytool, written as
     * {@code DIR/ca.crt}, and a server context with its key; null when there is no keytool.
     */
    private static SSLContext throwAwayTls(Path dir) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            return null;
        }
        Path store = dir.resolve("train.p12");
        char[] password = "jreg-train".toCharArray();
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "train", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(password))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (process.waitFor() != 0) {
            return null;
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, password);
        }
        Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(keys.getCertificate("train").getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    /** Just enough of the distribution API for the commands above. */
    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            byte[] body = new byte[0];
            int status = 404;
            String type = "application/json";
            if (path.equals("/v2/")) {
                status = 200;
                body = "{}".getBytes(StandardCharsets.UTF_8);
            } else if (path.endsWith("/tags/list")) {
                status = 200;
                body = "{\"tags\":[\"1\"]}".getBytes(StandardCharsets.UTF_8);
            } else if (path.contains("/manifests/")) {
                String key = path.substring(path.lastIndexOf('/') + 1);
                if (method.equals("PUT")) {
                    manifests.put(key, exchange.getRequestBody().readAllBytes());
                    status = 201;
                } else if (manifests.containsKey(key)) {
                    status = 200;
                    body = manifests.get(key);
                    type = MediaType.OCI_MANIFEST.value();
                    exchange.getResponseHeaders().set("Docker-Content-Digest", Digest.sha256(body).toString());
                }
            } else if (path.contains("/blobs/uploads/")) {
                if (method.equals("POST")) {
                    status = 202;
                    exchange.getResponseHeaders().set("Location", path + "session");
                } else {
                    String query = exchange.getRequestURI().getQuery();
                    blobs.put(query.substring(query.indexOf("digest=") + 7), exchange.getRequestBody().readAllBytes());
                    status = 201;
                }
            } else if (path.contains("/blobs/")) {
                String digest = path.substring(path.lastIndexOf('/') + 1);
                if (blobs.containsKey(digest)) {
                    status = 200;
                    body = blobs.get(digest);
                    type = "application/octet-stream";
                }
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
            if (!head && body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        }
    }
}
