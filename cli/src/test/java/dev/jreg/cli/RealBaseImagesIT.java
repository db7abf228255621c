package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.Processes;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.TestPki;
import dev.jreg.testing.TreeSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two Dockerfiles every beginner writes, {@code FROM python:3.9-slim} and {@code FROM
 * ubuntu:latest}, built by the shipped launcher against real base images: a Debian system with
 * python3 (made by {@code scripts/debian-base}) pushed under those names to an HTTPS registry whose
 * CA is in certs.d, and configured as Docker Hub's mirror, so the Dockerfiles stay as written. The
 * images run in a real OCI runtime (crun, on umoci's bundle; bubblewrap when not root) and print
 * what their programs print; buildah builds the same Dockerfiles from the same bases, and the two
 * images agree in every path (type, mode, owner, content) and in their configs.
 */
@ExtendWith(RealRegistryCondition.class)
class RealBaseImagesIT {
    static final String APP_PY = "print(\"Hello from Python in a container\")\n";
    static final String PYTHON_DOCKERFILE = """
            FROM python:3.9-slim
            WORKDIR /app
            COPY . /app/
            CMD ["python", "app.py"]
            """;
    static final String SHOW_DATE = "#!/bin/bash\necho \"The date is $(date -u +%Y-%m-%d)\"\n";
    static final String UBUNTU_DOCKERFILE = """
            FROM ubuntu:latest
            COPY . /app
            WORKDIR /app
            RUN chmod +x show_date.sh
            CMD ["./show_date.sh"]
            """;
    static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    static final Duration TIMEOUT = Duration.ofMinutes(3);
    static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static TestPki pki;
    static DistributionRegistry registry;
    static Path home;
    static Path store;

    @BeforeAll
    static void pushTheBases() throws Exception {
        String missing = missingTools();
        Assumptions.assumeTrue(missing == null || "1".equals(System.getenv("JREG_REQUIRE_INTEGRATION")), missing);
        if (missing != null) {
            throw new AssertionError(missing);
        }
        Path rootfs = Path.of(System.getenv("JREG_TEST_DEBIAN_ROOTFS"));
        pki = TestPki.create(dir.resolve("pki"));
        registry = DistributionRegistry.tls(dir, pki, false);
        home = Files.createDirectories(dir.resolve("home"));
        store = dir.resolve("store");
        pki.writeCertsDir(home.resolve(".config/jreg/certs.d").resolve(registry.hostPort()), false);
        Files.writeString(home.resolve(".config/jreg/config.json"),
                "{\"registries\": {\"docker.io\": {\"mirrors\": [\"https://" + registry.hostPort() + "\"]}}}\n");
        // The bases as the official images are made: their root filesystem added to scratch.
        for (Map.Entry<String, String> base : Map.of("python:3.9-slim", "[\"python3\"]", "ubuntu:latest",
                "[\"/bin/bash\"]").entrySet()) {
            Path context = Files.createDirectories(dir.resolve("base-" + base.getKey().replace(':', '-')));
            linkOrCopy(rootfs, context.resolve("rootfs.tar"));
            Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nADD rootfs.tar /\nENV " + PATH
                    + " LANG=C.UTF-8\nCMD " + base.getValue() + "\n");
            Cli.Result pushed = jreg().launchIn(context, "build", "--timestamp", "0", "-t",
                    registry.hostPort() + "/library/" + base.getKey(), "--push", ".");
            assertEquals(0, pushed.exitCode(), pushed::toString);
        }
        // buildah reaches them the same way: Docker Hub's mirror in its registries.conf, the CA in a certs.d.
        Path buildahDir = Files.createDirectories(dir.resolve("buildah"));
        Files.writeString(buildahDir.resolve("registries.conf"), "[[registry]]\nprefix = \"docker.io\"\n"
                + "location = \"docker.io\"\n[[registry.mirror]]\nlocation = \"" + registry.hostPort() + "\"\n");
        pki.writeCertsDir(buildahDir.resolve("certs"), false);
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void thePythonAppBuildsRunsAndMatchesBuildah() throws Exception {
        assertEquals("Hello from Python in a container\n", buildCompareAndRun("python-app", PYTHON_DOCKERFILE,
                Map.of("app.py", APP_PY)));
    }

    @Test
    void theDateScriptBuildsWithRunRunsAndMatchesBuildah() throws Exception {
        String printed = buildCompareAndRun("date-app", UBUNTU_DOCKERFILE, Map.of("show_date.sh", SHOW_DATE));
        assertTrue(printed.matches("The date is 20\\d\\d-\\d\\d-\\d\\d\n"), printed);
    }

    /**
     * Builds a context of the Dockerfile and files with jreg and with buildah, asserts that the
     * two images agree, and returns what jreg's image prints when run.
     */
    static String buildCompareAndRun(String name, String dockerfile, Map<String, String> files) throws Exception {
        Path context = Files.createDirectories(dir.resolve(name));
        Files.writeString(context.resolve("Dockerfile"), dockerfile);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(context.resolve(file.getKey()), file.getValue());
        }
        Path bundle = buildWithJreg(context, name);
        // Compared before running: python writes its byte-code caches into the root filesystem.
        assertSameImage(bundle, buildWithBuildah(context, name));
        return run(bundle);
    }

    static Cli jreg() {
        return new Cli(home, store);
    }

    /** Builds the context as {@code NAME}, then unpacks it with umoci into a runtime bundle. */
    static Path buildWithJreg(Path context, String name) throws Exception {
        Cli.Result built = jreg().launchIn(context, "build", "--timestamp", "0", "-t", name, ".");
        assertEquals(0, built.exitCode(), built::toString);
        assertTrue(built.err().contains("Using mirror " + registry.hostPort() + " for docker.io/library/"), built::toString);
        Path layout = dir.resolve("jreg-" + name);
        Cli.Result copied = jreg().launch("copy", "-q", "local:" + name, "oci:" + layout + ":" + name);
        assertEquals(0, copied.exitCode(), copied::toString);
        return unpack(layout, name, dir.resolve("bundle-jreg-" + name));
    }

    /** buildah's image of the same context, from the same bases through the same mirror, unpacked. */
    static Path buildWithBuildah(Path context, String name) throws Exception {
        Path buildahDir = dir.resolve("buildah");
        Path registries = buildahDir.resolve("registries.conf");
        Path certs = buildahDir.resolve("certs");
        List<String> buildah = List.of("buildah", "--root", buildahDir.resolve("root").toString(), "--runroot",
                buildahDir.resolve("runroot").toString(), "--storage-driver", "vfs");
        List<String> build = new ArrayList<>(buildah);
        build.addAll(List.of("build", "--isolation", "chroot", "--timestamp", "0", "--cert-dir", certs.toString(), "-t",
                name, context.toString()));
        buildah(build, registries);
        Path layout = dir.resolve("buildah-" + name);
        List<String> push = new ArrayList<>(buildah);
        push.addAll(List.of("push", name, "oci:" + layout + ":" + name));
        buildah(push, registries);
        return unpack(layout, name, dir.resolve("bundle-buildah-" + name));
    }

    /** The layout a bundle was unpacked from: {@code bundle-X} came from {@code X}. */
    static Path layoutOf(Path bundle) {
        return bundle.resolveSibling(bundle.getFileName().toString().substring("bundle-".length()));
    }

    static void buildah(List<String> command, Path registries) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("CONTAINERS_REGISTRIES_CONF", registries.toString());
        Processes.run(builder, null, TIMEOUT).assertOk(command);
    }

    static Path unpack(Path layout, String name, Path bundle) throws Exception {
        List<String> command = new ArrayList<>(List.of("umoci", "unpack"));
        if (!ROOT) {
            command.add("--rootless");
        }
        command.addAll(List.of("--image", layout + ":" + name, bundle.toString()));
        Processes.run(command, TIMEOUT).assertOk(command);
        return bundle;
    }

    /**
     * Runs the bundle's process, as its config gives it (arguments, environment, working
     * directory), and returns what it printed. As root, in crun, with the cgroup v1/v2 hybrid
     * mount crun refuses taken away inside a private mount namespace; otherwise in bubblewrap.
     */
    static String run(Path bundle) throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
        JsonNode process = config.get("process");
        List<String> command = new ArrayList<>();
        if (ROOT) {
            ((ObjectNode) process).put("terminal", false);
            JSON.writeValue(bundle.resolve("config.json").toFile(), config);
            command.addAll(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                    "umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --root \"$1\" run --bundle \"$2\" \"$3\"", "sh",
                    dir.resolve("crun-state").toString(), bundle.toString(), "run-" + bundle.getFileName()));
        } else {
            command.addAll(List.of("bwrap", "--unshare-all", "--die-with-parent", "--uid", "0", "--gid", "0", "--bind",
                    bundle.resolve("rootfs").toString(), "/", "--proc", "/proc", "--dev", "/dev", "--chdir",
                    process.get("cwd").asText(), "--clearenv"));
            for (JsonNode variable : process.get("env")) {
                String[] pair = variable.asText().split("=", 2);
                command.addAll(List.of("--setenv", pair[0], pair[1]));
            }
            process.get("args").forEach(arg -> command.add(arg.asText()));
        }
        Processes.Result result = Processes.run(command, TIMEOUT).assertOk(command);
        return new String(result.stdout(), StandardCharsets.UTF_8);
    }

    /** The two bundles agree in every path and in the config fields a Dockerfile sets. */
    static void assertSameImage(Path jregBundle, Path buildahBundle) throws IOException {
        TreeSnapshot ours = TreeSnapshot.of(jregBundle.resolve("rootfs")).withoutTimes();
        TreeSnapshot theirs = TreeSnapshot.of(buildahBundle.resolve("rootfs")).withoutTimes();
        assertTrue(ours.nodes().size() > 1000, "a whole Debian system: " + ours.nodes().size());
        assertEquals("", ours.differences(theirs));
        assertEquals(dockerfileFields(jregBundle, layoutOf(jregBundle)), dockerfileFields(buildahBundle,
                layoutOf(buildahBundle)));
    }

    /**
     * Cmd, Entrypoint, Env, WorkingDir, User, ExposedPorts and Labels of the image config umoci
     * unpacked the bundle from (its manifest is the last step of umoci.json's descriptor walk),
     * without the label buildah adds to every image it makes.
     */
    static Map<String, JsonNode> dockerfileFields(Path bundle, Path layout) throws IOException {
        JsonNode walk = JSON.readTree(bundle.resolve("umoci.json").toFile()).path("from_descriptor_path")
                .path("descriptor_walk");
        JsonNode manifest = JSON.readTree(blob(layout, walk.get(walk.size() - 1).get("digest").asText()));
        JsonNode image = JSON.readTree(blob(layout, manifest.get("config").get("digest").asText())).path("config");
        Map<String, JsonNode> fields = new TreeMap<>();
        for (String field : List.of("Cmd", "Entrypoint", "Env", "WorkingDir", "User", "ExposedPorts", "Labels")) {
            JsonNode value = image.get(field);
            if (value instanceof ObjectNode labels && field.equals("Labels")) {
                labels.remove("io.buildah.version");
                value = labels.isEmpty() ? null : labels;
            }
            if (value != null && !value.isNull()) {
                fields.put(field, value);
            }
        }
        assertTrue(fields.containsKey("Cmd") && fields.containsKey("Env"), "read the image config: " + image);
        return fields;
    }

    static java.io.File blob(Path layout, String digest) {
        return layout.resolve("blobs").resolve(digest.replace(':', '/')).toFile();
    }

    static void linkOrCopy(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(source, target);
        }
    }

    /** What this test needs that is not here, or null. */
    static String missingTools() {
        String rootfs = System.getenv("JREG_TEST_DEBIAN_ROOTFS");
        if (rootfs == null || !Files.isRegularFile(Path.of(rootfs))) {
            return "JREG_TEST_DEBIAN_ROOTFS names no Debian root filesystem tar (scripts/test makes one with"
                    + " scripts/debian-base)";
        }
        for (String tool : ROOT ? List.of("buildah", "umoci", "crun") : List.of("buildah", "umoci", "bwrap")) {
            if (!onPath(tool)) {
                return tool + " is not installed (scripts/test installs it)";
            }
        }
        return null;
    }

    static boolean onPath(String program) {
        for (String entry : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }
}
