package dev.jreg.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
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
 * JDK 25+), so the archive holds the classes of real commands (HTTP, JSON, TLS, the store, the layer
 * engine, archives) whatever command runs first. It talks only to throw-away registries on
 * 127.0.0.1 that it serves itself, over plain HTTP and HTTPS, and makes the rest of its images
 * itself, in a temporary directory it deletes. Exit 1, naming the commands on stderr, when one of
 * them failed: the archive would then hold a failure's classes instead of the work's.
 */
final class TrainCommand extends Subcommand {
    private final Map<String, byte[]> blobs = new HashMap<>();
    private final Map<String, byte[]> manifests = new HashMap<>();
    private final List<String[]> failed = new ArrayList<>();

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
            trainLocal(quiet, home);
            for (HttpServer server : servers) {
                server.createContext("/", this::serve);
                server.start();
                String registry = "127.0.0.1:" + server.getAddress().getPort();
                if (server instanceof HttpsServer) {
                    Path certs = Files.createDirectories(home.resolve("config/jreg/certs.d").resolve(registry));
                    Files.copy(home.resolve("ca.crt"), certs.resolve("ca.crt"));
                }
                train(quiet, registry, home);
            }
        } finally {
            servers.forEach(server -> server.stop(0));
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        failed.forEach(args -> root.context().err().println("jreg: training failed: jreg " + String.join(" ", args)));
        return failed.isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    /** Runs a command of the workload, remembering it when it fails. */
    private void run(CliContext quiet, String... args) {
        if (JregCommand.run(quiet, args) != ExitCodes.OK) {
            failed.add(args);
        }
    }

    /**
     * The commands that make and carry images without a registry, on an image made here: a layout
     * holding a base of no layers, files committed onto it, unpacked, edited and committed again,
     * then read back, exported, squashed, saved, removed and loaded.
     */
    private void trainLocal(CliContext quiet, Path home) throws IOException {
        Path layout = baseLayout(home.resolve("layout"));
        Path files = Files.createDirectories(home.resolve("files/etc"));
        Files.writeString(files.resolve("motd"), "trained\n");
        String rootfs = home.resolve("rootfs").toString();
        run(quiet, "commit", "--base", "oci:" + layout + ":base", "--add", files.getParent() + ":/", "-c",
                "CMD [\"sh\"]", "-c", "ENV MODE=train", "train/local:1");
        run(quiet, "unpack", "train/local:1", rootfs);
        Files.writeString(Path.of(rootfs, "etc/motd"), "edited\n");
        Files.writeString(Path.of(rootfs, "etc/new"), "new\n");
        String archive = home.resolve("train.tar").toString();
        for (String[] args : List.of(
                new String[] {"commit", rootfs, "train/local:2"},
                new String[] {"history", "--local", "train/local:2"},
                new String[] {"history", "--local", "--format", "json", "train/local:2"},
                new String[] {"export", "train/local:2"},
                new String[] {"squash", "--timestamp", "0", "train/local:2", "train/local:flat"},
                new String[] {"save", "-o", archive, "train/local:2", "train/local:flat"},
                new String[] {"rm", "train/local:1", "train/local:2", "train/local:flat"},
                new String[] {"load", "-i", archive},
                new String[] {"prune"})) {
            run(quiet, args);
        }
    }

    /** An OCI layout holding {@code base}, an image of no layers, written as any tool writes one. */
    private static Path baseLayout(Path layout) throws IOException {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[]},\"history\":[]}").getBytes(StandardCharsets.UTF_8);
        Descriptor configD = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256(config), config.length);
        ManifestBlob manifest = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null, configD,
                List.of(), null, null));
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        Files.write(blobs.resolve(configD.digest().hex()), config);
        Files.write(blobs.resolve(manifest.digest().hex()), manifest.bytes());
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.write(layout.resolve("index.json"), ManifestBlob.create(new ImageIndex(2, MediaType.OCI_INDEX, null,
                List.of(manifest.descriptor().withAnnotations(Map.of("org.opencontainers.image.ref.name", "base"))),
                null, Map.of())).bytes());
        return layout;
    }

    private void train(CliContext quiet, String registry, Path home) throws IOException {
        // sync reads YAML, whose parser's classes no other command loads
        Path sync = home.resolve("sync.yaml");
        Files.writeString(sync, registry + ":\n  images:\n    train/app: [\"1\"]\n");
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
                new String[] {"sync", "--config", sync.toString(), "--dest", registry + "/mirror"},
                new String[] {"sync", "--format", "json", "--config", sync.toString(), "--dest", registry + "/mirror"},
                new String[] {"rm", registry + "/train/app:1"},
                new String[] {"verify"})) {
            run(quiet, args);
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
