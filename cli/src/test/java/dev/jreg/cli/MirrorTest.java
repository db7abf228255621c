package dev.jreg.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.core.Options;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages.Layer;
import dev.jreg.testing.TestImages;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Registry mirrors for any registry, with fallback to the upstream, against real registries. */
@ExtendWith(RealRegistryCondition.class)
class MirrorTest {
    @TempDir
    static Path dir;
    static DistributionRegistry upstream;
    static DistributionRegistry mirror;
    static Path fixtures;
    static Layer layer;

    @RegisterExtension
    static WireMockExtension lying = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                    .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.NEVER)).build();

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        upstream = DistributionRegistry.open(dir);
        mirror = DistributionRegistry.open(dir);
        fixtures = dir.resolve("fixtures");
        layer = TestImages.layer(61, 64_000);
        TestImages.writeImage(OciLayout.open(fixtures), Reference.parse("localhost/f:1"), Platform.of("linux", "amd64", null),
                List.of(layer));
        for (String target : List.of(upstream.hostPort() + "/team/app:1", upstream.hostPort() + "/team/app:2",
                mirror.hostPort() + "/team/app:1", mirror.hostPort() + "/library/nginx:1.24.0",
                mirror.hostPort() + "/library/foo/bar:1")) {
            Skopeo.copy("oci:" + fixtures + ":localhost/f:1", "docker://" + target);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        upstream.close();
        mirror.close();
    }

    Cli cliWithMirrors(String registry, String... mirrors) throws Exception {
        Path config = home.resolve("jreg-config.json");
        StringBuilder list = new StringBuilder();
        for (String m : mirrors) {
            list.append(list.length() > 0 ? "," : "").append('"').append(m).append('"');
        }
        Files.writeString(config, "{\"registries\":{\"" + registry + "\":{\"mirrors\":[" + list + "]}}}");
        return new Cli(home, store).env("JREG_CONFIG", config.toString());
    }

    static int deadPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void upstreamDownServedByTheMirror() throws Exception {
        String down = "127.0.0.1:" + deadPort();
        Cli.Result result = cliWithMirrors(down, "http://" + mirror.hostPort()).run("pull", down + "/team/app:1");
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.err().contains("Using mirror http://" + mirror.hostPort() + " for " + down + "/team/app"),
                result::toString);
        assertTrue(OciLayout.open(store).hasBlob(layer.descriptor()));
    }

    @Test
    void mirrorWithoutTheTagFallsBackToTheUpstream() throws Exception {
        Cli.Result result = cliWithMirrors(upstream.hostPort(), mirror.hostPort()).run("pull", upstream.hostPort() + "/team/app:2");
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.err().contains("Mirror " + mirror.hostPort() + " failed (") && result.err().contains("manifest unknown"),
                result::toString);
        assertEquals(1, result.err().lines().filter(l -> l.startsWith("Mirror ")).count(), "one line per skipped mirror");
    }

    @Test
    void mirrorServingWrongBytesIsRejectedAndTheUpstreamUsed() throws Exception {
        String ref = upstream.hostPort() + "/team/app:1";
        byte[] manifestBytes = Skopeo.inspectRaw("docker://" + ref);
        ImageManifest manifest = (ImageManifest) ManifestBlob.of(manifestBytes, null).manifest();
        byte[] config = new Cli(home, store).run("config", ref).bytes();
        byte[] corrupt = layer.bytes().clone();
        corrupt[corrupt.length / 2] ^= 0x55;
        lying.stubFor(get("/v2/").willReturn(okJson("{}")));
        lying.stubFor(get(urlEqualTo("/v2/team/app/manifests/1")).willReturn(aResponse()
                .withHeader("Content-Type", manifest.mediaType().value()).withBody(manifestBytes)));
        lying.stubFor(get(urlEqualTo("/v2/team/app/blobs/" + manifest.config().digest())).willReturn(aResponse().withBody(config)));
        lying.stubFor(get(urlEqualTo("/v2/team/app/blobs/" + layer.descriptor().digest())).willReturn(aResponse().withBody(corrupt)));

        Cli.Result result = cliWithMirrors(upstream.hostPort(), "http://127.0.0.1:" + lying.getPort()).run("pull", ref);

        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.err().contains("Blob " + layer.descriptor().digest() + " from http://127.0.0.1:" + lying.getPort()
                + " did not verify; fetching it from " + upstream.hostPort()), result::toString);
        OciLayout layout = OciLayout.open(store);
        assertArrayEquals(layer.bytes(), Files.readAllBytes(layout.blobPath(layer.descriptor().digest())));
    }

    @Test
    void pushesNeverGoToAMirror() throws Exception {
        Reference target = Reference.parse(upstream.hostPort() + "/pushed/app:1");
        TestImages.writeImage(OciLayout.open(store), target, Platform.of("linux", "amd64", null), List.of(layer));
        long mirrorWrites = mirror.countRequests("PUT", "/v2/pushed/[^ ]+");
        Cli.Result push = cliWithMirrors(upstream.hostPort(), mirror.hostPort()).run("push", target.toString());
        assertEquals(0, push.exitCode(), push::toString);
        assertEquals(mirrorWrites, mirror.countRequests("PUT", "/v2/pushed/[^ ]+"));
        assertEquals(1, upstream.countRequests("PUT", "/v2/pushed/app/manifests/1"));
    }

    @Test
    void dockerHubThroughAMirrorLikeTheReadmeSays() {
        Cli.Result result = new Cli(home, store).env("JREG_REGISTRY_MIRROR", "http://" + mirror.hostPort())
                .run("pull", "nginx:1.24.0");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals("docker.io/library/nginx:1.24.0", result.lastLine());
        assertTrue(result.err().contains("Using mirror http://" + mirror.hostPort() + " for docker.io/library/nginx"),
                result::toString);
    }

    @Test
    void aNestedOfficialNameIsShownWithLibrary() {
        Cli cli = new Cli(home, store).env("JREG_REGISTRY_MIRROR", "http://" + mirror.hostPort());
        Cli.Result result = cli.run("pull", "library/foo/bar:1");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals("docker.io/library/foo/bar:1", result.lastLine());
        assertTrue(result.err().contains("\nStatus: Downloaded newer image for library/foo/bar:1\n"), result::toString);
        Cli.Result again = cli.run("pull", "docker.io/library/foo/bar:1");
        assertTrue(again.err().contains("\nStatus: Image is up to date for library/foo/bar:1\n"), again::toString);
    }

    static String digestOf(String reference) throws Exception {
        return Digest.sha256(Skopeo.inspectRaw("docker://" + reference)).toString();
    }

    Cli hubThroughTheMirror() {
        return new Cli(home, store).env("JREG_REGISTRY_MIRROR", "http://" + mirror.hostPort());
    }

    static long usingMirrorLines(Cli.Result result) {
        return result.err().lines().filter(l -> l.startsWith("Using mirror ")).count();
    }

    /** docker.io is out of reach here (tests resolve names from testdata/hosts only): only the mirror can answer. */
    @Test
    void digestAndTagsReadDockerHubThroughTheMirrorAsInspectDoes() throws Exception {
        String digest = digestOf(mirror.hostPort() + "/library/nginx:1.24.0");
        Cli.Result inspect = hubThroughTheMirror().run("inspect", "--format", "json", "nginx:1.24.0");
        assertEquals(0, inspect.exitCode(), inspect::toString);

        Cli.Result resolved = hubThroughTheMirror().run("digest", "nginx:1.24.0");
        assertEquals(0, resolved.exitCode(), resolved::toString);
        assertEquals(digest + "\n", resolved.out());
        assertEquals("Using mirror http://" + mirror.hostPort() + " for docker.io/library/nginx\n", resolved.err());

        Cli.Result tags = hubThroughTheMirror().run("tags", "nginx");
        assertEquals(0, tags.exitCode(), tags::toString);
        assertEquals("1.24.0\n", tags.out());
        assertEquals(1, usingMirrorLines(tags), tags::toString);
    }

    @Test
    void everyOtherReadGoesThroughTheMirrorToo() throws Exception {
        Cli.Result details = hubThroughTheMirror().run("tags", "--details", "nginx");
        assertEquals(0, details.exitCode(), details::toString);
        assertTrue(details.out().lines().skip(1).allMatch(l -> l.startsWith("1.24.0 ") && l.contains("linux/amd64")),
                details::toString);
        assertEquals(1, usingMirrorLines(details), "one line, not one per tag: " + details);

        Cli.Result blob = hubThroughTheMirror().run("blob", "nginx@" + layer.descriptor().digest());
        assertEquals(0, blob.exitCode(), blob::toString);
        assertArrayEquals(layer.bytes(), blob.bytes());

        Cli.Result copy = hubThroughTheMirror().run("copy", "-q", "--all-tags", "nginx", "local:mirrored/nginx");
        assertEquals(0, copy.exitCode(), copy::toString);
        assertTrue(LocalStore.open(store).lookup(Reference.parse("mirrored/nginx:1.24.0")).isPresent(), copy::toString);

        String down = "127.0.0.1:" + deadPort();
        Cli cli = cliWithMirrors(down, "http://" + mirror.hostPort());
        Cli.Result tags = cli.run("tags", down + "/team/app");
        assertEquals("1\n", tags.out(), tags::toString);
        Cli.Result digest = cli.run("digest", down + "/team/app:1");
        assertEquals(digestOf(mirror.hostPort() + "/team/app:1") + "\n", digest.out(),
                digest::toString);
    }

    @Test
    void aTagTheMirrorLacksIsResolvedUpstream() throws Exception {
        Cli.Result digest = cliWithMirrors(upstream.hostPort(), mirror.hostPort()).run("digest", upstream.hostPort() + "/team/app:2");
        assertEquals(0, digest.exitCode(), digest::toString);
        assertEquals(digestOf(upstream.hostPort() + "/team/app:2") + "\n", digest.out());
        assertTrue(digest.err().startsWith("Mirror " + mirror.hostPort() + " failed (2: manifest unknown); trying "
                + upstream.hostPort() + "/team/app"), digest::toString);
    }

    @Test
    void quietCommandsDoNotSayWhichMirrorServed() {
        Cli.Result pull = hubThroughTheMirror().run("pull", "-q", "nginx:1.24.0");
        assertEquals(0, pull.exitCode(), pull::toString);
        assertEquals("docker.io/library/nginx:1.24.0\n", pull.out());
        assertEquals("", pull.err());

        Cli.Result copy = hubThroughTheMirror().run("copy", "-q", "nginx:1.24.0", "local:copied/nginx:1");
        assertEquals(0, copy.exitCode(), copy::toString);
        assertEquals("", copy.err());

        Cli.Result all = hubThroughTheMirror().run("pull", "-q", "-a", "nginx");
        assertEquals("docker.io/library/nginx:1.24.0\n", all.out(), all::toString);
        assertEquals("", all.err());
    }
}
