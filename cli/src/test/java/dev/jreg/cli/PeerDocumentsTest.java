package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.internal.json.Json;
import dev.jreg.model.ImageConfig;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Documents that real tools write — umoci's index, manifest and config with every field its
 * {@code config} command sets, and skopeo's Docker schema 2 manifest and config converted from
 * them — read into the image model and written back: the same JSON, every field kept.
 */
class PeerDocumentsTest {
    static final Duration TIMEOUT = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    static void peer(String... command) throws Exception {
        Processes.run(List.of(command), TIMEOUT).assertOk(List.of(command));
    }

    @Test
    void documentsUmociAndSkopeoWriteSurviveTheModel() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/umoci"))
                || "1".equals(System.getenv("JREG_REQUIRE_INTEGRATION")), "umoci is not installed (scripts/test installs it)");
        Path layout = dir.resolve("umoci");
        peer("umoci", "init", "--layout", layout.toString());
        peer("umoci", "new", "--image", layout + ":t");
        peer("umoci", "config", "--image", layout + ":t", "--author", "someone <a@example.org>",
                "--config.user", "1000:1000", "--config.env", "A=1", "--config.entrypoint", "/bin/sh",
                "--config.cmd", "-c", "--config.exposedports", "8080/tcp", "--config.volume", "/data",
                "--config.label", "org.example.label=x", "--config.workingdir", "/srv", "--config.stopsignal", "SIGTERM",
                "--manifest.annotation", "org.example.note=y", "--history.comment", "configured",
                "--history.author", "someone", "--history.created", "2024-05-06T07:08:09.123456789Z");
        Path docker = dir.resolve("docker");
        peer("skopeo", "copy", "-q", "--format", "v2s2", "oci:" + layout + ":t", "dir:" + docker);

        List<Path> documents = new ArrayList<>(List.of(layout.resolve("index.json"), docker.resolve("manifest.json")));
        for (Path blobs : List.of(layout.resolve("blobs/sha256"), docker)) {
            try (Stream<Path> files = Files.list(blobs)) {
                files.filter(f -> !f.equals(docker.resolve("manifest.json")) && !f.endsWith("version")
                        && json(f) != null).forEach(documents::add);
            }
        }
        List<String> kinds = new ArrayList<>();
        for (Path document : documents) {
            JsonNode original = json(document);
            JsonNode written;
            if (original.has("manifests")) {
                written = ImageIndex.fromJson(original).toJson();
                kinds.add("index");
            } else if (original.has("layers")) {
                written = ImageManifest.fromJson(original).toJson();
                kinds.add(original.path("mediaType").asText("manifest"));
            } else {
                written = ImageConfig.fromJson(original).toJson();
                kinds.add("config");
            }
            // Read back, so that a number is compared by value, not by the node class that holds it.
            assertEquals(original, Json.parse(Json.write(written)), document + " changed on its way through the model");
        }
        // umoci writes OCI manifests without a mediaType field, and keeps the image's first manifest and config.
        assertTrue(kinds.containsAll(List.of("index", "config", "manifest",
                "application/vnd.docker.distribution.manifest.v2+json")), "every kind was read: " + kinds);
        assertEquals(3, kinds.stream().filter("config"::equals).count(), "umoci's two configs and skopeo's: " + kinds);
    }

    /** The file's JSON object, or null when it is not one (a layer). */
    static JsonNode json(Path file) {
        try {
            JsonNode node = Json.parse(Files.readAllBytes(file));
            return node.isObject() ? node : null;
        } catch (Exception e) {
            return null;
        }
    }
}
