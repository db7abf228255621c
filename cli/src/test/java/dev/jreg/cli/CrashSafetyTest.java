package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.FaultProxy;
import dev.jreg.testing.JregProcess;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestJson;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls killed with SIGKILL (separate JVMs) leave a store the next run completes, resuming the
 * partial download; two processes pulling into one store at once both succeed.
 */
@ExtendWith(RealRegistryCondition.class)
class CrashSafetyTest {
    static final long BIG = 400L * 1024 * 1024;
    static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    static DistributionRegistry registry;
    static Path fixtures;

    @TempDir
    Path home;

    @BeforeAll
    static void start() throws Exception {
        registry = DistributionRegistry.open(dir);
        fixtures = dir.resolve("fixtures");
        OciLayout layout = OciLayout.open(fixtures);
        Descriptor big = writeRandomLayer(layout, BIG, 1);
        image(layout, "big", List.of(big));
        Descriptor base1 = writeRandomLayer(layout, 16L << 20, 2);
        Descriptor base2 = writeRandomLayer(layout, 12L << 20, 3);
        image(layout, "a", List.of(base1, base2, writeRandomLayer(layout, 10L << 20, 4)));
        image(layout, "b", List.of(base1, base2, writeRandomLayer(layout, 8L << 20, 5)));
        for (String name : List.of("big", "a", "b")) {
            Skopeo.copy("oci:" + fixtures + ":" + name, "docker://" + registry.hostPort() + "/crash/" + name + ":1");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        registry.close();
    }

    /** Incompressible, deterministic bytes streamed to a blob without holding them in memory. */
    static Descriptor writeRandomLayer(OciLayout layout, long size, long seed) throws Exception {
        Path temp = dir.resolve("layer-" + seed);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(seed);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(temp)) {
            for (long written = 0; written < size; written += block.length) {
                for (int i = 0; i < block.length; i += 8) {
                    long v = random.nextLong();
                    for (int j = 0; j < 8; j++) {
                        block[i + j] = (byte) (v >>> (8 * j));
                    }
                }
                int n = (int) Math.min(block.length, size - written);
                out.write(block, 0, n);
                sha.update(block, 0, n);
            }
        }
        Descriptor d = Descriptor.of(MediaType.OCI_LAYER_GZIP, new Digest("sha256", HexFormat.of().formatHex(sha.digest())), size);
        layout.putBlob(d, () -> Files.newInputStream(temp));
        Files.delete(temp);
        return d;
    }

    static void image(OciLayout layout, String name, List<Descriptor> layers) throws Exception {
        byte[] config = TestJson.bytes(Map.of("architecture", "amd64", "os", "linux",
                "rootfs", Map.of("type", "layers", "diff_ids", layers.stream().map(l -> l.digest().toString()).toList())));
        Descriptor configD = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256(config), config.length);
        layout.putBlob(configD, () -> new java.io.ByteArrayInputStream(config));
        ManifestBlob manifest = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null, configD, layers, null,
                null));
        layout.putBytes(manifest.digest(), manifest.bytes());
        layout.setName(name, manifest.descriptor());
    }

    Process startPull(Path store, String ref, Path log) throws Exception {
        return JregProcess.start(Map.of("JREG_HOME", store.toString(), "HOME", home.toString()), log, "pull", "-q", ref);
    }

    static void awaitDownstream(FaultProxy proxy, long bytes, Process process) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (proxy.downstream() < bytes) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("the pull never reached " + bytes + " bytes (saw " + proxy.downstream() + ")");
            }
            process.waitFor(10, TimeUnit.MILLISECONDS);
        }
    }

    void assertCompleteAndVerified(Path store, String ref) throws Exception {
        Cli.Result verify = new Cli(home, store).run("verify");
        assertEquals(0, verify.exitCode(), verify::toString);
        assertTrue(verify.out().contains("store is clean"), verify::toString);
        assertArrayEquals(Skopeo.inspectRaw("docker://" + registry.hostPort() + ref.substring(ref.indexOf('/'))),
                Skopeo.inspectRaw("oci:" + store + ":" + ref));
    }

    @Test
    void aPullKilledHalfWayResumesAndFetchesOnlyTheRest() throws Exception {
        Path store = home.resolve("store");
        try (FaultProxy proxy = new FaultProxy(Integer.parseInt(registry.hostPort().split(":")[1]), 100L << 20)) {
            String ref = proxy.hostPort() + "/crash/big:1";
            Process first = startPull(store, ref, home.resolve("first.log"));
            awaitDownstream(proxy, BIG / 2, first);
            first.destroyForcibly().waitFor();

            proxy.reset();
            proxy.throttle(0);
            Cli.Result second = new Cli(home, store).run("pull", "-q", ref);

            assertEquals(0, second.exitCode(), second::toString);
            assertTrue(proxy.downstream() <= BIG * 55 / 100,
                    "the second run fetched " + proxy.downstream() + " bytes of a " + BIG + "-byte layer");
            Cli.Result verify = new Cli(home, store).run("verify");
            assertEquals(0, verify.exitCode(), verify::toString);
        }
    }

    @Test
    void twentyRandomKillsAlwaysEndInACompleteVerifiedStore() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (FaultProxy proxy = new FaultProxy(Integer.parseInt(registry.hostPort().split(":")[1]), 48L << 20)) {
            for (int run = 0; run < 20; run++) {
                Path store = home.resolve("store-" + run);
                String ref = proxy.hostPort() + "/crash/a:1";
                proxy.throttle(48L << 20);
                Process pull = startPull(store, ref, home.resolve("run-" + run + ".log"));
                pull.waitFor(200 + random.nextInt(1800), TimeUnit.MILLISECONDS);
                pull.destroyForcibly().waitFor();

                proxy.throttle(0);
                Cli.Result again = new Cli(home, store).run("pull", "-q", ref);
                assertEquals(0, again.exitCode(), "run " + run + " (seed " + seed + "): " + again);
                Cli.Result verify = new Cli(home, store).run("verify");
                assertEquals(0, verify.exitCode(), "run " + run + " (seed " + seed + "): " + verify);
                assertArrayEquals(Skopeo.inspectRaw("docker://" + registry.hostPort() + "/crash/a:1"),
                        Skopeo.inspectRaw("oci:" + store + ":" + ref), "run " + run + ": skopeo reads the store");
            }
        }
    }

    @Test
    void connectionsCutEveryFewMegabytesResumeWithinOneRun() throws Exception {
        Path store = home.resolve("cut-store");
        try (FaultProxy proxy = new FaultProxy(Integer.parseInt(registry.hostPort().split(":")[1]), 0)) {
            proxy.cutAfter(6L << 20);
            Cli.Result pull = new Cli(home, store).run("pull", "-q", proxy.hostPort() + "/crash/a:1");
            assertEquals(0, pull.exitCode(), pull::toString);
            long layers = (16L + 12 + 10) << 20;
            assertTrue(proxy.downstream() < layers * 12 / 10,
                    "each cut resumed where it stopped, nothing refetched: " + proxy.downstream() + " bytes moved");
            Cli.Result verify = new Cli(home, store).run("verify");
            assertEquals(0, verify.exitCode(), verify::toString);
        }
    }

    @Test
    void twoProcessesPullingSharedLayersIntoOneStoreBothSucceed() throws Exception {
        Path store = home.resolve("shared-store");
        try (FaultProxy proxy = new FaultProxy(Integer.parseInt(registry.hostPort().split(":")[1]), 40L << 20)) {
            List<Process> pulls = new ArrayList<>();
            for (String name : List.of("a", "b")) {
                pulls.add(startPull(store, proxy.hostPort() + "/crash/" + name + ":1", home.resolve(name + ".log")));
            }
            for (int i = 0; i < pulls.size(); i++) {
                assertTrue(pulls.get(i).waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "pull " + i + " finished");
                assertEquals(0, pulls.get(i).exitValue(), Files.readString(home.resolve((i == 0 ? "a" : "b") + ".log")));
            }
            LocalStore layout = LocalStore.open(store);
            assertTrue(layout.lookup(Reference.parse(proxy.hostPort() + "/crash/a:1")).isPresent());
            assertTrue(layout.lookup(Reference.parse(proxy.hostPort() + "/crash/b:1")).isPresent());
            Cli.Result verify = new Cli(home, store).run("verify");
            assertEquals(0, verify.exitCode(), verify::toString);
        }
    }
}
