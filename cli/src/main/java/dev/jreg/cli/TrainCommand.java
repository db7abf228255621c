package dev.jreg.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Hidden: the workload the launcher records its AppCDS archive from, so the archive holds the
 * classes of real commands (HTTP, JSON, TLS, the store) whatever command runs first. It talks only
 * to a throw-away registry on 127.0.0.1 that it serves itself, in a temporary store.
 */
final class TrainCommand implements Callable<Integer> {
    private final Map<String, byte[]> blobs = new HashMap<>();
    private final Map<String, byte[]> manifests = new HashMap<>();

    private TrainCommand() {
    }

    static CommandSpec spec(JregCommand root) {
        TrainCommand command = new TrainCommand();
        return CommandModel.of("__train-cds", command)
                .hidden()
                .spec();
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

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
        Path home = Files.createTempDirectory("jreg-train");
        try {
            String registry = "127.0.0.1:" + server.getAddress().getPort();
            Map<String, String> env = Map.of("JREG_HOME", home.resolve("store").toString(), "PATH", "/usr/bin:/bin");
            PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream());
            CliContext quiet = new CliContext(env, home, InputStream.nullInputStream(), OutputStream.nullOutputStream(), sink,
                    sink, false);
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
        } finally {
            server.stop(0);
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return ExitCodes.OK;
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
                    ByteArrayOutputStream received = new ByteArrayOutputStream();
                    exchange.getRequestBody().transferTo(received);
                    String query = exchange.getRequestURI().getQuery();
                    blobs.put(query.substring(query.indexOf("digest=") + 7), received.toByteArray());
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
