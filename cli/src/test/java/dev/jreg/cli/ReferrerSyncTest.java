package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.RegistryOptions;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.internal.registry.RegistryClient;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.Processes;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jreg sync --include-referrers} and {@code jreg copy --include-referrers} between two real
 * distribution registries, which have no referrers API: an image skopeo signed with a sigstore
 * key made here ({@code sha256-HEX.sig}) and an SBOM artifact whose {@code subject} is the image
 * (in the fallback index {@code sha256-HEX}) reach the mirror with their digests, the signature
 * verifies there with skopeo, and a second run copies nothing.
 */
@ExtendWith(RealRegistryCondition.class)
class ReferrerSyncTest {
    static final String SBOM = "application/vnd.example.sbom";

    @TempDir
    Path dir;

    /**
     * A source holding {@code team/app:1}, signed by skopeo with {@code key}, with an SBOM that
     * names it as subject, and {@code team/plain:1}, unsigned.
     *
     * @param registriesD the registries.d folder that has skopeo write and read sigstore
     *     signatures as {@code sha256-HEX.sig} tags on both registries
     * @param image the signed image's manifest digest
     * @param skopeoSigns whether this skopeo signed it: Debian's is built without sigstore
     *     (signing and verifying both answer "sigstore disabled"), and the test signs as it would
     */
    record Fixture(SigstoreKey key, Path registriesD, Digest image, ManifestBlob sbom, boolean skopeoSigns) {
        /** Pushes the images, signs one and attaches the SBOM. */
        static Fixture prepare(Path dir, DistributionRegistry source, DistributionRegistry destination, Cli cli)
                throws Exception {
            OciLayout layout = OciLayout.open(dir.resolve("fixtures"));
            Platform amd64 = Platform.of("linux", "amd64", null);
            ManifestBlob image = TestImages.writeImage(layout, Reference.parse("localhost/f:1"), amd64,
                    List.of(TestImages.layer(91, 20_000)));
            TestImages.writeImage(layout, Reference.parse("localhost/f:2"), amd64, List.of(TestImages.layer(92, 20_000)));
            SigstoreKey key = SigstoreKey.create(dir.resolve("key"));
            Path registriesD = Files.createDirectories(dir.resolve("registries.d"));
            Files.writeString(registriesD.resolve("test.yaml"), "docker:\n  " + source.hostPort()
                    + ":\n    use-sigstore-attachments: true\n  " + destination.hostPort()
                    + ":\n    use-sigstore-attachments: true\n");
            Path anything = dir.resolve("insecure-policy.json");
            Files.writeString(anything, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
            List<String> sign = List.of("skopeo", "--registries.d", registriesD.toString(), "--policy",
                    anything.toString(), "copy", "--quiet", "--dest-tls-verify=false", "--sign-by-sigstore-private-key",
                    key.privateKey().toString(), "--sign-passphrase-file", key.passphraseFile().toString(),
                    "oci:" + layout.root() + ":localhost/f:1", "docker://" + source.hostPort() + "/team/app:1");
            Processes.Result signed = Processes.run(sign, Duration.ofMinutes(2));
            String repo = source.hostPort() + "/team/app";
            boolean skopeoSigns = !(signed.exitCode() != 0 && signed.stderr().contains("sigstore disabled"));
            if (!skopeoSigns) {
                // The same signature skopeo writes, with the same key.
                Skopeo.copy("oci:" + layout.root() + ":localhost/f:1", "docker://" + repo + ":1");
                ManifestBlob signature = key.sign(layout, repo + ":1", image.digest());
                layout.setName("signature", signature.descriptor());
                cli.ok("copy", "-q", "oci:" + layout.root() + ":signature", repo + ":sha256-" + image.digest().hex()
                        + ".sig");
            } else {
                signed.assertOk(sign);
            }
            Skopeo.copy("oci:" + layout.root() + ":localhost/f:2", "docker://" + source.hostPort() + "/team/plain:1");

            // The SBOM by digest, and the fallback index a client keeps on a registry without the API.
            ManifestBlob sbom = ReferrersTest.artifact(layout, SBOM, image.descriptor());
            layout.setName("sbom", sbom.descriptor());
            ManifestBlob fallback = ManifestBlob.create(new ImageIndex(2, MediaType.OCI_INDEX, null,
                    List.of(RegistryClient.asReferrer(sbom)), null, Map.of()));
            layout.putBytes(fallback.digest(), fallback.bytes());
            layout.setName("fallback", fallback.descriptor());
            cli.ok("copy", "-q", "oci:" + layout.root() + ":sbom", repo + "@" + sbom.digest());
            cli.ok("copy", "-q", "oci:" + layout.root() + ":fallback", repo + ":sha256-" + image.digest().hex());
            return new Fixture(key, registriesD, image.digest(), sbom, skopeoSigns);
        }

        /** The sync file: both images of the source to {@code DEST/m}, and more keys of the source. */
        static Path syncFile(Path dir, DistributionRegistry source, DistributionRegistry destination, String more)
                throws Exception {
            Path file = dir.resolve("sync-" + System.nanoTime() + ".yaml");
            Files.writeString(file, source.hostPort() + ":\n  images:\n    team/app: [\"1\"]\n    team/plain: [\"1\"]\n"
                    + "  destination: " + destination.hostPort() + "/m\n" + more);
            return file;
        }
    }

    /** The referrers {@code jreg referrers --format json} lists: digest → how it was found. */
    static Map<String, String> referrers(Cli.Result listed) throws Exception {
        Map<String, String> found = new TreeMap<>();
        for (String line : listed.out().lines().toList()) {
            JsonNode row = Json.parse(line.getBytes(StandardCharsets.UTF_8));
            found.put(row.path("Digest").asText(), row.path("FoundBy").asText());
        }
        return found;
    }

    /** The one image of a sync's JSON output copied from this repository. */
    static JsonNode image(Cli.Result sync, String repository) throws Exception {
        for (JsonNode image : Json.parse(sync.out()).path("images")) {
            if (image.path("source").asText().endsWith(repository)) {
                return image;
            }
        }
        throw new AssertionError("no " + repository + " in " + sync);
    }

    @Test
    void signatureAndSbomReachTheMirrorOnlyWhenAskedAndVerifyThere() throws Exception {
        Assumptions.assumeTrue(Skopeo.available(), "skopeo is not installed");
        try (DistributionRegistry source = DistributionRegistry.open(dir);
                DistributionRegistry destination = DistributionRegistry.open(dir)) {
            Cli cli = new Cli(dir.resolve("home"), dir.resolve("store"));
            Fixture fixture = Fixture.prepare(dir, source, destination, cli);
            String hex = fixture.image().hex();
            Map<String, String> atSource = referrers(cli.ok("referrers", "--format", "json",
                    source.hostPort() + "/team/app:1"));
            assertEquals(2, atSource.size(), atSource::toString);
            assertEquals("referrers tag", atSource.get(fixture.sbom().digest().toString()));
            assertTrue(atSource.containsValue("tag sha256-" + hex + ".sig"), atSource::toString);

            // Without the flag the images go and nothing that refers to them.
            Path file = Fixture.syncFile(dir, source, destination, "");
            Cli.Result plain = cli.ok("sync", "--config", file.toString(), "--format", "json");
            assertEquals("copied", image(plain, "team/app:1").path("status").asText(), plain::toString);
            assertEquals(0, image(plain, "team/app:1").path("referrersCopied").asInt(), plain::toString);
            String mirrored = destination.hostPort() + "/m/app:1";
            assertEquals("", cli.ok("referrers", "--format", "json", mirrored).out());
            assertEquals(List.of("1"), List.of(cli.ok("tags", destination.hostPort() + "/m/app").out().split("\n")));

            // With it, the image up to date still has its referrers compared, and the two missing go.
            Cli.Result first = cli.ok("sync", "--config", file.toString(), "--include-referrers", "--format", "json");
            JsonNode app = image(first, "team/app:1");
            assertEquals("up-to-date", app.path("status").asText(), first::toString);
            assertEquals(2, app.path("referrersCopied").asInt(), first::toString);
            assertEquals(0, image(first, "team/plain:1").path("referrersCopied").asInt(), first::toString);
            Map<String, String> atMirror = referrers(cli.ok("referrers", "--format", "json", mirrored));
            assertEquals(atSource, atMirror, "the same digests, found the same ways");
            assertTrue(cli.ok("tags", destination.hostPort() + "/m/app").out().contains("sha256-" + hex + ".sig\n"));

            // A second run finds both there and writes no manifest.
            long manifestWrites = destination.countRequests("PUT", "/v2/.*/manifests/\\S*");
            Cli.Result second = cli.ok("sync", "--config", file.toString(), "--include-referrers", "--format", "json");
            assertEquals(0, image(second, "team/app:1").path("referrersCopied").asInt(), second::toString);
            assertEquals(2, Json.parse(second.out()).path("totals").path("up-to-date").asInt(), second::toString);
            assertEquals(manifestWrites, destination.countRequests("PUT", "/v2/.*/manifests/\\S*"));

            // The signature verifies at the mirror with the public key; the unsigned image has none.
            RegistryClient registry = new RegistryClient(RegistryOptions.defaults());
            String identity = source.hostPort() + "/team/app:1";
            assertTrue(fixture.key().verifies(registry, Reference.parse(mirrored), identity));
            assertFalse(fixture.key().verifies(registry, Reference.parse(destination.hostPort() + "/m/plain:1"),
                    source.hostPort() + "/team/plain:1"));
            Path policy = dir.resolve("verify-policy.json");
            Files.writeString(policy, "{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"docker\":{\""
                    + destination.hostPort() + "\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\"" + fixture.key().publicKey()
                    + "\",\"signedIdentity\":{\"type\":\"remapIdentity\",\"prefix\":\"" + destination.hostPort()
                    + "/m\",\"signedPrefix\":\"" + source.hostPort() + "/team\"}}]}}}");
            if (fixture.skopeoSigns()) {
                // A skopeo built with sigstore checks it too, under a policy that requires it.
                Processes.Result signed = verify(fixture, policy, mirrored);
                assertEquals(0, signed.exitCode(), signed.stderr());
                assertNotEquals(0, verify(fixture, policy, destination.hostPort() + "/m/plain:1").exitCode());
            }

            // copy takes them along too, and refuses them where a side is no registry.
            String copied = destination.hostPort() + "/copied/app:1";
            Cli.Result copy = cli.ok("copy", "--include-referrers", source.hostPort() + "/team/app:1", copied);
            assertTrue(copy.err().contains("Copied 2 referrers\n"), copy::toString);
            assertEquals(atSource, referrers(cli.ok("referrers", "--format", "json", copied)));
            assertTrue(fixture.key().verifies(registry, Reference.parse(copied), identity), "the copy's signature");
            Cli.Result local = cli.run("copy", "--include-referrers", source.hostPort() + "/team/app:1",
                    "oci:" + dir.resolve("out") + ":app");
            assertEquals(ExitCodes.USAGE, local.exitCode(), local::toString);
            assertEquals(1, local.err().lines().count(), local::toString);
        }
    }

    @Test
    void anIncludeReferrersThatIsNoBooleanIsOneLineAndExitTwo() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "quay.io:\n  images:\n    x: []\n  include-referrers: yes please\n");
        Cli.Result result = new Cli(dir.resolve("home"), dir.resolve("store")).run("sync", "--config",
                file.toString(), "--dest", "localhost:5000");
        assertEquals(ExitCodes.USAGE, result.exitCode(), result::toString);
        assertEquals("jreg: " + file + ": quay.io: include-referrers: expected true or false\n", result.err());
    }

    /** {@code skopeo copy} out of a registry under a policy; its result, not asserted. */
    static Processes.Result verify(Fixture fixture, Path policy, String image) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo", "--registries.d", fixture.registriesD().toString(),
                "--policy", policy.toString(), "copy", "--quiet", "--src-tls-verify=false", "docker://" + image,
                "oci:" + Files.createTempDirectory(policy.getParent(), "verified") + ":x"));
        return Processes.run(command, Duration.ofMinutes(2));
    }
}
