package dev.jreg.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What real registries send that other clients accept: the command accepts it too, and prints no literal null. */
class RegistryLeniencyTest {
    static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";

    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeEach
    void ping() {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
    }

    String repo() {
        return "127.0.0.1:" + registry.getPort() + "/demo/app";
    }

    Cli.Result run(String... args) {
        return new Cli(home, store).run(args);
    }

    Cli.Result ok(String... args) {
        return new Cli(home, store).ok(args);
    }

    Descriptor blob(MediaType type, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Descriptor d = Descriptor.of(type, Digest.sha256(bytes), bytes.length);
        registry.stubFor(any(urlEqualTo("/v2/demo/app/blobs/" + d.digest())).willReturn(aResponse().withBody(bytes)));
        return d;
    }

    /** Serves a manifest by digest and, when given, by tag; exactly these bytes. */
    ManifestBlob manifest(String tag, byte[] bytes) throws Exception {
        ManifestBlob m = ManifestBlob.of(bytes, null);
        for (String name : tag == null ? List.of(m.digest().toString()) : List.of(m.digest().toString(), tag)) {
            registry.stubFor(any(urlEqualTo("/v2/demo/app/manifests/" + name)).willReturn(aResponse().withBody(bytes)
                    .withHeader("Content-Type", m.mediaType().value())
                    .withHeader("Docker-Content-Digest", m.digest().toString())));
        }
        return m;
    }

    ManifestBlob manifest(String tag, String json) throws Exception {
        return manifest(tag, json.getBytes(StandardCharsets.UTF_8));
    }

    ManifestBlob image(String tag, String configJson, String layer) throws Exception {
        ManifestBlob m = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null,
                blob(MediaType.OCI_CONFIG, configJson), List.of(blob(MediaType.OCI_LAYER_GZIP, layer)), null, null));
        return manifest(tag, m.bytes());
    }

    ManifestBlob image(String tag, Platform platform) throws Exception {
        return image(tag, "{\"architecture\":\"" + platform.architecture() + "\",\"os\":\"" + platform.os() + "\""
                + (platform.variant() == null ? "" : ",\"variant\":\"" + platform.variant() + "\"")
                + ",\"created\":\"2024-05-01T00:00:00Z\"}", "layer of " + platform);
    }

    static String entry(ManifestBlob child, String extra) {
        return "{\"mediaType\":\"" + child.mediaType() + "\",\"digest\":\"" + child.digest() + "\",\"size\":" + child.size()
                + extra + "}";
    }

    static void assertNoNull(Cli.Result result) {
        assertFalse(result.out().contains("null"), result::toString);
        assertFalse(result.err().contains("null/"), result::toString);
    }

    // Junk in lists

    @Test
    void nexusNullTagNeitherBreaksDetailsNorCopyOfAllTags() throws Exception {
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list")).willReturn(okJson("{\"name\":\"demo/app\",\"tags\":[null,\"1\"]}")));
        ManifestBlob one = image("1", Platform.of("linux", "amd64", null));

        Cli.Result details = ok("tags", "--details", repo());
        assertEquals(2, details.out().lines().count(), details::toString);
        assertTrue(details.out().lines().skip(1).findFirst().orElseThrow().startsWith("1 "), details::toString);
        assertNoNull(details);
        assertEquals(1, details.err().lines().filter(l -> l.startsWith("warning: ")).count(), details::toString);

        Cli.Result copy = ok("copy", "--all-tags", repo(), "local:demo/app");
        assertTrue(copy.err().contains("Copied 1 of 1 tags"), copy::toString);
        assertEquals(1, copy.err().lines().filter(l -> l.equals("warning: " + repo()
                + ": skipped 1 entry of \"tags\" that is not a name (null)")).count(), copy::toString);
        assertEquals(one.digest(), LocalStore.open(store).lookup(Reference.parse("demo/app:1")).orElseThrow().digest());
    }

    @Test
    void otherJunkInTagsAndCatalogIsSkippedToo() throws Exception {
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list"))
                .willReturn(okJson("{\"name\":\"demo/app\",\"tags\":[42,\"\",\"1\",{\"tag\":\"2\"},null]}")));
        registry.stubFor(get(urlEqualTo("/v2/_catalog")).willReturn(okJson("{\"repositories\":[null,\"demo/app\",false]}")));

        Cli.Result tags = ok("tags", "--format", "json", repo());
        assertEquals("[\"1\"]", Json.write(Json.parse(tags.out()).path("tags")));
        assertEquals(1, tags.err().lines().count(), tags::toString);
        Cli.Result catalog = ok("catalog", "127.0.0.1:" + registry.getPort());
        assertEquals("demo/app\n", catalog.out());
        assertTrue(catalog.err().contains("skipped 2 entries of \"repositories\""), catalog::toString);
    }

    // Index entries without platform

    @Test
    void indexWhoseOnlyEntryHasNoPlatformIsPulled() throws Exception {
        ManifestBlob host = image(null, Platform.host());
        manifest("1", "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + entry(host, "") + "]}");
        ManifestBlob amd64 = image(null, Platform.of("linux", "amd64", null));
        manifest("2", "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + entry(amd64, "") + "]}");

        ok("pull", "-q", repo() + ":1");
        ok("pull", "-q", "--platform", "linux/amd64", repo() + ":2");

        LocalStore layout = LocalStore.open(store);
        assertEquals(host.digest(), layout.lookup(Reference.parse(repo() + ":1")).orElseThrow().digest());
        assertEquals(amd64.digest(), layout.lookup(Reference.parse(repo() + ":2")).orElseThrow().digest());
    }

    @Test
    void platformlessEntriesShowTheirConfigsPlatformEverywhereInContainerdsNames() throws Exception {
        ManifestBlob amd64 = image(null, Platform.of("linux", "x86_64", null));
        ManifestBlob arm = image(null, Platform.of("linux", "armhf", null));
        ManifestBlob odd = image(null, Platform.of("Linux", "x86-64", null));
        manifest("1", "{\"schemaVersion\":2,\"manifests\":[" + entry(amd64, "") + "," + entry(arm, "") + ","
                + entry(odd, "") + "]}");
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list")).willReturn(okJson("{\"tags\":[\"1\"]}")));

        Cli.Result inspect = ok("inspect", repo() + ":1");
        assertTrue(inspect.out().contains("linux/amd64") && inspect.out().contains("linux/arm/v7"), inspect::toString);
        assertFalse(inspect.out().contains("x86_64") || inspect.out().contains("armhf") || inspect.out().contains("x86-64")
                || inspect.out().contains("unknown"), inspect::toString);
        Cli.Result arm7 = ok("inspect", "--platform", "linux/arm/v7", repo() + ":1");
        assertTrue(arm7.out().contains("Image:      " + arm.digest()), arm7::toString);
        assertTrue(arm7.out().contains("Platform:   linux/arm/v7"), arm7::toString);
        Cli.Result json = ok("inspect", "--format", "json", "--platform", "linux/amd64", repo() + ":1");
        assertTrue(json.out().contains("\"platform\":\"linux/amd64\""), json::toString);
        Cli.Result details = ok("tags", "--details", "--no-trunc", repo());
        assertTrue(details.out().contains("linux/amd64,linux/arm/v7,linux/amd64"), details::toString);
        Cli.Result missing = run("pull", "--platform", "linux/s390x", repo() + ":1");
        assertTrue(missing.err().contains("(it has linux/amd64, linux/arm/v7, linux/amd64)"), missing::toString);
    }

    // Attestations

    /** A BuildKit index: linux/amd64 and linux/arm64, each with its attestation manifest. */
    record BuildKit(ManifestBlob amd64, ManifestBlob arm64, ManifestBlob attestation, ManifestBlob index) {
    }

    ManifestBlob attestation(ManifestBlob subject) throws Exception {
        return image(null, "{\"architecture\":\"unknown\",\"os\":\"unknown\",\"config\":{},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}", "{\"_type\":\"https://in-toto.io/Statement/v0.1\","
                + "\"subject\":\"" + subject.digest() + "\"}" + " ".repeat(5000));
    }

    BuildKit buildKit() throws Exception {
        ManifestBlob amd64 = image(null, Platform.of("linux", "amd64", null));
        ManifestBlob arm64 = image(null, Platform.of("linux", "arm64", null));
        ManifestBlob attestation = attestation(amd64);
        String unknown = ",\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"}";
        ManifestBlob index = manifest("multi", "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":["
                + entry(amd64, ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}") + ","
                + entry(arm64, ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}") + ","
                + entry(attestation, ",\"annotations\":{\"vnd.docker.reference.digest\":\"" + amd64.digest()
                        + "\",\"vnd.docker.reference.type\":\"attestation-manifest\"}" + unknown) + ","
                + entry(attestation(arm64), ",\"annotations\":{\"vnd.docker.reference.digest\":\"" + arm64.digest()
                        + "\",\"vnd.docker.reference.type\":\"attestation-manifest\"}" + unknown) + "]}");
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list")).willReturn(okJson("{\"tags\":[\"multi\"]}")));
        return new BuildKit(amd64, arm64, attestation, index);
    }

    @Test
    void anIndexOfOnlyAttestationsSaysSo() throws Exception {
        ManifestBlob subject = image(null, Platform.of("linux", "amd64", null));
        manifest("more", "{\"schemaVersion\":2,\"manifests\":[" + entry(attestation(subject),
                ",\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\"},"
                        + "\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"}") + "]}");
        Cli.Result pull = run("pull", "--platform", "linux/amd64", repo() + ":more");
        assertEquals(3, pull.exitCode(), pull::toString);
        assertTrue(pull.err().contains("(it has no images, only attestations)"), pull::toString);
        Cli.Result inspect = run("inspect", "--platform", "linux/arm64", repo() + ":more");
        assertTrue(inspect.err().contains("(it has no images, only attestations)"), inspect::toString);
    }

    @Test
    void anEmptyIndexSaysItHasNoManifests() throws Exception {
        manifest("none", "{\"schemaVersion\":2,\"manifests\":[]}");
        Cli.Result pull = run("pull", "--platform", "linux/amd64", repo() + ":none");
        assertTrue(pull.err().contains("(it has no manifests)"), pull::toString);
    }

    @Test
    void anInvalidOptionIsNamedAloneNotWithItsNeighbour() {
        Cli.Result limit = run("tags", "--limit", "-1", repo());
        assertEquals(2, limit.exitCode(), limit::toString);
        assertTrue(limit.err().startsWith("jreg: --limit must not be negative\n"), limit::toString);
        Cli.Result jobs = run("tags", "-d", "--jobs", "0", repo());
        assertTrue(jobs.err().startsWith("jreg: --jobs must be at least 1\n"), jobs::toString);
        Cli.Result retries = run("--retries", "-1", "tags", repo());
        assertTrue(retries.err().startsWith("jreg: --retries must not be negative\n"), retries::toString);
        Cli.Result timeout = run("--timeout", "0", "tags", repo());
        assertTrue(timeout.err().startsWith("jreg: --timeout must be at least 1 second\n"), timeout::toString);
    }

    @Test
    void aRepositoryNameTooLongSaysWhichArgument() {
        String target = "127.0.0.1:" + registry.getPort() + "/team/" + "a".repeat(251) + ":1";
        Cli.Result copy = run("copy", repo() + ":1", target);
        assertEquals(2, copy.exitCode(), copy::toString);
        assertTrue(copy.err().contains("repository name of \"127.0.0.1:" + registry.getPort() + "/team/aaa")
                && copy.err().contains("must not be more than 255 characters (it has 256)"), copy::toString);
    }

    static long imageSize(ManifestBlob image) {
        ImageManifest m = (ImageManifest) image.manifest();
        return m.config().size() + m.layersSize();
    }

    @Test
    void attestationsAreShownApartAndNotCountedAsPlatforms() throws Exception {
        BuildKit b = buildKit();

        Cli.Result inspect = ok("inspect", repo() + ":multi");
        assertFalse(inspect.out().contains("unknown"), inspect::toString);
        String attestations = inspect.out().substring(inspect.out().indexOf("Attestations:"));
        assertTrue(attestations.contains("linux/amd64") && attestations.contains("linux/arm64"), inspect::toString);

        JsonNode json = Json.parse(ok("inspect", "--format", "json", repo() + ":multi").out());
        assertEquals(2, json.path("platforms").size());
        assertEquals(2, json.path("attestations").size());
        assertEquals(b.amd64().digest().toString(), json.path("attestations").get(0).path("subject").asText());

        JsonNode details = Json.parse(ok("tags", "--details", "--format", "json", repo()).out()).get(0);
        assertEquals("[\"linux/amd64\",\"linux/arm64\"]", Json.write(details.path("platforms")));
        assertEquals(2, details.path("attestations").asInt());
        assertEquals(imageSize(b.amd64()) + imageSize(b.arm64()), details.path("size").asLong());
        Cli.Result table = ok("tags", "--details", "--no-trunc", repo());
        assertTrue(table.out().contains("linux/amd64,linux/arm64 +2 attestations"), table::toString);
        Cli.Result cut = ok("tags", "--details", repo());
        assertTrue(cut.out().contains(" linux/amd64 +1 more "), cut::toString);
    }

    @Test
    void attestationsAreNeverPulledAsAPlatform() throws Exception {
        BuildKit b = buildKit();

        assertEquals(3, run("pull", "-q", "--platform", "unknown/unknown", repo() + ":multi").exitCode());
        ok("pull", "-q", "--platform", "linux/arm64", repo() + ":multi");
        assertEquals(b.arm64().digest(), LocalStore.open(store).lookup(Reference.parse(repo() + ":multi")).orElseThrow().digest());

        ok("pull", "-q", "--all-platforms", repo() + ":multi");
        assertEquals(b.index().digest(), LocalStore.open(store).lookup(Reference.parse(repo() + ":multi")).orElseThrow().digest());
        assertTrue(OciLayout.open(store).hasBlob(b.attestation().descriptor()), "a whole index keeps its attestations");
    }

    // Artifacts

    ManifestBlob helmChart(String tag) throws Exception {
        Descriptor config = blob(MediaType.of(HELM_CONFIG), "{\"name\":\"demo\",\"version\":\"0.1.0\",\"apiVersion\":\"v2\"}");
        Descriptor chart = blob(MediaType.of("application/vnd.cncf.helm.chart.content.v1.tar+gzip"), "chart tarball");
        return manifest(tag, ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null, config, List.of(chart),
                null, null)).bytes());
    }

    @Test
    void helmChartShowsItsArtifactTypeNotANullPlatform() throws Exception {
        helmChart("chart");

        Cli.Result inspect = ok("inspect", repo() + ":chart");
        assertTrue(inspect.out().contains("Artifact:   " + HELM_CONFIG), inspect::toString);
        assertNoNull(inspect);
        JsonNode json = Json.parse(ok("inspect", "--format", "json", repo() + ":chart").out());
        assertEquals(HELM_CONFIG, json.path("image").path("artifactType").asText());
        assertTrue(json.path("image").has("platform") && json.path("image").path("platform").isNull(),
                "string or null, as docs/OUTPUT.md says: " + json);
        assertTrue(inspect.out().contains("Created:    N/A\n"), "no empty line with trailing spaces: " + inspect);

        ok("pull", "-q", repo() + ":chart");
        Cli.Result images = ok("images", "--format", "json");
        JsonNode line = Json.parse(images.out());
        assertEquals(HELM_CONFIG, line.path("ArtifactType").asText());
        assertTrue(line.path("Platform").isNull() && !images.out().contains("null/null"), images::toString);
        assertNoNull(ok("images"));
    }

    @Test
    void emptyConfigArtifactAndAnIndexOfArtifactsShowTheirTypes() throws Exception {
        Descriptor empty = blob(MediaType.OCI_EMPTY, "{}");
        Descriptor sbom = blob(MediaType.of("application/spdx+json"), "{\"spdxVersion\":\"SPDX-2.3\"}");
        ManifestBlob artifact = manifest(null, ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST,
                "application/vnd.example.sbom.v1+json", empty, List.of(sbom), null,
                Map.of("org.opencontainers.image.created", "2024-06-01T12:00:00Z"))).bytes());
        ManifestBlob chart = helmChart(null);
        manifest("both", "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + entry(artifact, "") + "," + entry(chart, "") + "]}");
        manifest("sbom", artifact.bytes());
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list")).willReturn(okJson("{\"tags\":[\"both\",\"sbom\"]}")));

        Cli.Result inspect = ok("inspect", repo() + ":sbom");
        assertTrue(inspect.out().contains("Artifact:   application/vnd.example.sbom.v1+json"), inspect::toString);
        assertTrue(inspect.out().contains("Created:    2024-06-01T12:00:00Z"), inspect::toString);
        assertNoNull(inspect);
        Cli.Result index = ok("inspect", repo() + ":both");
        assertTrue(index.out().contains("application/vnd.example.sbom.v1+json") && index.out().contains(HELM_CONFIG),
                index::toString);
        assertNoNull(index);
        JsonNode json = Json.parse(ok("inspect", "--format", "json", repo() + ":both").out());
        for (JsonNode entry : json.path("platforms")) {
            assertTrue(entry.has("platform") && entry.path("platform").isNull(), json::toString);
        }
        Cli.Result details = ok("tags", "--details", "--no-trunc", repo());
        assertTrue(details.out().contains("application/vnd.example.sbom.v1+json," + HELM_CONFIG), details::toString);
        Cli.Result cut = ok("tags", "--details", repo());
        assertTrue(cut.out().contains(" 2 artifact types ") && cut.out().contains(" application/vnd.example.sbom.v1+json "),
                cut::toString);
        assertNoNull(details);
    }

    /**
     * One tag that vanished while listing, or whose index names a child without a platform whose
     * config is missing, is a row that says why: the other tags still show, and the command exits 1.
     */
    @Test
    void aTagThatCannotBeReadIsARowThatSaysWhyNotTheEndOfTheTable() throws Exception {
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list"))
                .willReturn(okJson("{\"name\":\"demo/app\",\"tags\":[\"good\",\"ghost\",\"broken\"]}")));
        ManifestBlob good = image("good", Platform.of("linux", "amd64", null));
        registry.stubFor(any(urlEqualTo("/v2/demo/app/manifests/ghost")).willReturn(aResponse().withStatus(404)
                .withBody("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}")));
        Descriptor missingConfig = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256("gone".getBytes(StandardCharsets.UTF_8)), 4);
        ManifestBlob child = manifest(null, ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null,
                missingConfig, List.of(blob(MediaType.OCI_LAYER_GZIP, "a layer")), null, null)).bytes());
        manifest("broken", "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_INDEX.value() + "\",\"manifests\":["
                + entry(child, "") + "]}");

        Cli.Result table = run("tags", "--details", "--no-trunc", repo());
        assertEquals(1, table.exitCode(), table::toString);
        List<String> lines = table.out().lines().toList();
        assertEquals(4, lines.size(), table::toString);
        assertTrue(lines.get(1).startsWith("good ") && lines.get(1).contains(good.digest().toString())
                && lines.get(1).contains("linux/amd64"), table::toString);
        assertTrue(lines.get(2).startsWith("ghost ") && lines.get(2).contains("error: tag vanished while listing"),
                table::toString);
        assertTrue(lines.get(3).startsWith("broken ") && lines.get(3).contains("error: "), table::toString);

        Cli.Result narrow = run("tags", "--details", repo());
        assertTrue(narrow.out().contains(" sha256:" + good.digest().shortHex() + "   linux/amd64"), narrow::toString);
        assertTrue(narrow.out().lines().filter(l -> !l.contains("error:")).allMatch(l -> l.length() <= 80), narrow::toString);

        Cli.Result json = run("tags", "--details", "--format", "json", repo());
        assertEquals(1, json.exitCode(), json::toString);
        JsonNode rows = Json.parse(json.out());
        assertTrue(rows.get(0).get("error").isNull(), json::toString);
        assertEquals("tag vanished while listing", rows.get(1).get("error").asText());
        assertTrue(rows.get(1).get("digest").isNull(), json::toString);
        assertFalse(rows.get(2).get("error").isNull(), json::toString);
    }
}
