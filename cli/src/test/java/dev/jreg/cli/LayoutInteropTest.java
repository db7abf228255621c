package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.Processes;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages.Layer;
import dev.jreg.testing.TestImages;
import dev.jreg.testing.Unprivileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCI layouts shared with skopeo and umoci: Docker-typed images converted with {@code --format oci}
 * and read by the peers running as an unprivileged user, layouts skopeo wrote read back by jreg,
 * and {@code --format} on copy and push against a real registry.
 */
@ExtendWith(RealRegistryCondition.class)
class LayoutInteropTest {
    static final Platform AMD64 = Platform.of("linux", "amd64", null);
    static final Platform ARM64 = Platform.of("linux", "arm64", "v8");

    @TempDir
    static Path dir;
    static DistributionRegistry registry;
    static String r;
    /** The Docker-typed image and list skopeo pushed: their digests, as the registry serves them. */
    static Digest dockerImage;
    static Digest dockerList;
    static Layer first;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        registry = DistributionRegistry.open(dir);
        r = registry.hostPort();
        OciLayout fixtures = OciLayout.open(dir.resolve("fixtures"));
        first = TestImages.layer(91, 30_000);
        TestImages.writeImage(fixtures, Reference.parse("localhost/f:a"), AMD64, List.of(first, TestImages.layer(92, 20_000)));
        Map<Platform, List<Layer>> platforms = new LinkedHashMap<>();
        platforms.put(AMD64, List.of(TestImages.layer(93, 10_000)));
        platforms.put(ARM64, List.of(TestImages.layer(94, 10_000)));
        TestImages.writeIndex(fixtures, Reference.parse("localhost/f:multi"), platforms);
        String layout = "oci:" + fixtures.root() + ":";
        Skopeo.copy("--format", "v2s2", layout + "localhost/f:a", "docker://" + r + "/docker/app:1");
        Skopeo.copy("--all", "--format", "v2s2", layout + "localhost/f:multi", "docker://" + r + "/docker/multi:1");
        Skopeo.copy(layout + "localhost/f:a", "docker://" + r + "/oci/app:1");
        dockerImage = remote(r + "/docker/app:1").digest();
        dockerList = remote(r + "/docker/multi:1").digest();
        assertEquals(MediaType.DOCKER_MANIFEST, remote(r + "/docker/app:1").mediaType());
        assertEquals(MediaType.DOCKER_LIST, remote(r + "/docker/multi:1").mediaType());
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    static ManifestBlob remote(String reference) throws Exception {
        return ManifestBlob.of(Skopeo.inspectRaw("docker://" + reference), null);
    }

    Cli.Result ok(String... args) {
        return new Cli(home, store).ok(args);
    }

    /** Skips, saying why, where the peers cannot run as an unprivileged user or umoci is missing; scripts/test has both. */
    static void assumePeers() throws Exception {
        String unprivileged = Unprivileged.unavailable();
        Assumptions.assumeTrue(unprivileged == null, unprivileged);
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/umoci"))
                || "1".equals(System.getenv("JREG_REQUIRE_INTEGRATION")), "umoci is not installed (scripts/test installs it)");
    }

    /** A peer run as the unprivileged user, which must succeed. */
    static Processes.Result peer(String... command) throws Exception {
        Processes.Result result = Unprivileged.run(dir.resolve("peer-home"), command);
        return result.assertOk(List.of(command));
    }

    /** A folder the unprivileged user may write, for what the peers write. */
    static Path peerFolder(String name) throws Exception {
        return Unprivileged.share(Files.createDirectories(Unprivileged.share(dir).resolve(name + "-" + System.nanoTime())));
    }

    /**
     * jreg's layout, handed to the peer user as it is: under umask 022 every file jreg wrote is
     * readable by others and every folder it made enterable, with nothing changed after it
     * (the layout's own folder is the test's, shared with the peer user).
     */
    static void handOver(Path layout) throws Exception {
        String umask = new String(new ProcessBuilder("sh", "-c", "umask").start().getInputStream().readAllBytes()).strip();
        Assumptions.assumeTrue(umask.endsWith("022"), "the tests' umask is " + umask + ", not 022");
        try (java.util.stream.Stream<Path> paths = Files.walk(layout)) {
            for (Path path : paths.filter(p -> !p.equals(layout)).toList()) {
                assertEquals(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--",
                        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path)),
                        path.toString());
            }
        }
    }

    @Test
    void theReadmeExampleADockerImageConvertedToOciIsReadBySkopeoAndUnpackedByUmociAsAnotherUser() throws Exception {
        assumePeers();
        Path layout = peerFolder("nginx");

        Cli.Result copy = ok("copy", "--format", "oci", r + "/docker/app:1", "oci:" + layout + ":1.24.0");

        Digest converted = Digest.parse(copy.lastLine().substring(copy.lastLine().indexOf('@') + 1));
        assertEquals("oci:" + layout + ":1.24.0@" + converted, copy.lastLine());
        assertNotEquals(dockerImage, converted);
        assertTrue(copy.err().contains("Converted to OCI (was " + Table.digest(dockerImage, false) + ")\n"), copy::toString);
        handOver(layout);
        String image = "oci:" + layout + ":1.24.0";
        byte[] raw = peer("skopeo", "inspect", "--raw", image).stdout();
        assertEquals(converted, Digest.sha256(raw));
        assertEquals(MediaType.OCI_MANIFEST, ManifestBlob.of(raw, null).mediaType());
        assertTrue(new String(peer("skopeo", "inspect", image).stdout()).contains("\"Architecture\": \"amd64\""));
        Path out = peerFolder("dir-out").resolve("image");
        peer("skopeo", "--insecure-policy", "copy", "--quiet", image, "dir:" + out);
        assertTrue(Files.exists(out.resolve(first.descriptor().digest().hex())), "the layer, as it was");
        Path bundle = peerFolder("bundle").resolve("bundle");
        peer("umoci", "unpack", "--rootless", "--image", layout + ":1.24.0", bundle.toString());
        assertTrue(Files.isRegularFile(bundle.resolve("rootfs/data/file-91")), "umoci unpacked the first layer");
        assertEquals(30_000, Files.size(bundle.resolve("rootfs/data/file-91")));
    }

    @Test
    void aNameWithSlashesAndColonsAndAWholeListConvertedToOciReachThePeers() throws Exception {
        assumePeers();
        Path layout = peerFolder("names");

        ok("copy", "--format", "oci", r + "/docker/app:1", "oci:" + layout + ":reg.example/app:1");
        Cli.Result list = ok("copy", "--format", "oci", r + "/docker/multi:1", "oci:" + layout + ":reg.example/multi:1");

        assertTrue(list.err().contains("(was " + Table.digest(dockerList, false) + ")\n"), list::toString);
        handOver(layout);
        ImageIndex index = (ImageIndex) ManifestBlob.of(peer("skopeo", "inspect", "--raw",
                "oci:" + layout + ":reg.example/multi:1").stdout(), null).manifest();
        assertEquals(List.of(MediaType.OCI_MANIFEST, MediaType.OCI_MANIFEST),
                index.manifests().stream().map(Descriptor::mediaType).toList());
        Path copied = peerFolder("all");
        peer("skopeo", "--insecure-policy", "copy", "--quiet", "--all", "oci:" + layout + ":reg.example/multi:1",
                "oci:" + copied + ":x");
        Path bundle = peerFolder("bundle").resolve("b");
        peer("umoci", "unpack", "--rootless", "--image", layout + ":reg.example/app:1", bundle.toString());
        assertTrue(Files.isRegularFile(bundle.resolve("rootfs/data/file-91")));
    }

    @Test
    void aLayoutSkopeoWroteIsReadByItsNameAndAsItsOnlyImage() throws Exception {
        Path layout = dir.resolve("skopeo-" + System.nanoTime());
        Skopeo.copy("docker://" + r + "/docker/app:1", "oci:" + layout + ":reg.example/a:1");
        Digest written = Digest.sha256(Skopeo.inspectRaw("oci:" + layout + ":reg.example/a:1"));

        Cli.Result inspect = ok("inspect", "oci:" + layout + ":reg.example/a:1");
        assertTrue(inspect.out().contains(written.toString()), inspect::toString);
        Cli.Result copy = ok("copy", "oci:" + layout, r + "/from-skopeo/app:1");
        assertEquals(r + "/from-skopeo/app:1@" + written, copy.lastLine());
        assertEquals(written, remote(r + "/from-skopeo/app:1").digest());
        assertEquals(written.toString() + "\n", ok("digest", "oci:" + layout + ":@0").out());

        Skopeo.copy("docker://" + r + "/docker/app:1", "oci:" + layout + ":v2");
        Cli.Result all = ok("copy", "-a", "oci:" + layout, r + "/all-tags/app");
        assertTrue(all.err().contains("Skipping oci:" + layout + ":reg.example/a:1: \"reg.example/a:1\" is not a tag\n"),
                all::toString);
        assertTrue(all.err().endsWith("Copied 1 of 2 tags, skipped 1\n"), all::toString);
        assertEquals(written, remote(r + "/all-tags/app:v2").digest());
    }

    @Test
    void aLayoutJregWroteUnderANameWithAColonReadsBack() throws Exception {
        Path layout = dir.resolve("jreg-" + System.nanoTime());
        ok("copy", r + "/docker/app:1", "oci:" + layout + ":reg.example/a:1");

        assertTrue(ok("inspect", "oci:" + layout + ":reg.example/a:1").out().contains(dockerImage.toString()));
        ok("copy", "oci:" + layout + ":reg.example/a:1", r + "/back/app:1");
        assertEquals(dockerImage, remote(r + "/back/app:1").digest(), "without --format the bytes are kept");
        assertArrayEquals(Skopeo.inspectRaw("docker://" + r + "/docker/app:1"), Skopeo.inspectRaw("docker://" + r + "/back/app:1"));
    }

    @Test
    void pushFormatOciConvertsAndPushFormatDockerOfADockerImageChangesNothing() throws Exception {
        ok("pull", "-q", r + "/docker/app:1");
        ok("tag", r + "/docker/app:1", r + "/pushed/app:1");

        Cli.Result same = ok("push", "--format", "docker", r + "/pushed/app:1");
        assertTrue(same.out().contains("digest: " + dockerImage), same::toString);
        assertFalse(same.err().contains("Converted"), same::toString);

        Cli.Result push = ok("push", "--format", "oci", r + "/pushed/app:1");
        ManifestBlob pushed = remote(r + "/pushed/app:1");
        assertEquals(MediaType.OCI_MANIFEST, pushed.mediaType());
        assertEquals("1: digest: " + pushed.digest() + " size: " + pushed.size() + "\n", push.out());
        assertTrue(push.err().contains("Converted to OCI (was " + Table.digest(dockerImage, false) + ")"), push::toString);
        assertTrue(push.err().contains("Layer already exists"), "no layer uploaded again: " + push);
        assertEquals(MediaType.OCI_CONFIG, ((ImageManifest) pushed.manifest()).config().mediaType());
    }

    @Test
    void copyFormatDockerOfAnOciImageAndOfAWholeListBetweenRegistries() throws Exception {
        Cli.Result copy = ok("copy", "--format", "docker", r + "/oci/app:1", r + "/to-docker/app:1");
        ManifestBlob docker = remote(r + "/to-docker/app:1");
        assertEquals(MediaType.DOCKER_MANIFEST, docker.mediaType());
        assertEquals(r + "/to-docker/app:1@" + docker.digest(), copy.lastLine());
        assertTrue(copy.err().contains("Converted to Docker schema 2 (was "), copy::toString);

        ok("copy", "--format", "oci", r + "/docker/multi:1", r + "/to-oci/multi:1");
        ManifestBlob index = remote(r + "/to-oci/multi:1");
        assertEquals(MediaType.OCI_INDEX, index.mediaType());
        for (Descriptor child : ((ImageIndex) index.manifest()).manifests()) {
            assertEquals(MediaType.OCI_MANIFEST, remote(r + "/to-oci/multi@" + child.digest()).mediaType());
        }
        Skopeo.copy("--all", "docker://" + r + "/to-oci/multi:1", "oci:" + dir.resolve("skopeo-all-" + System.nanoTime()) + ":x");
    }
}
