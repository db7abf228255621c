package dev.jreg.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.unauthorized;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.Options;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.testing.TestJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hostile, broken or merely unusual registry: what other clients accept works, and each refusal
 * is one clear line, its own exit code, and no partial state.
 */
class HostileRegistryTest {
    static final byte[] CONFIG = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    static final byte[] LAYER = "layer bytes, honestly".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                    .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.NEVER)).build();

    @TempDir
    Path home;
    @TempDir
    Path store;

    final Descriptor config = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256(CONFIG), CONFIG.length);
    final Descriptor layer = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(LAYER), LAYER.length);

    @BeforeEach
    void ping() {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
        registry.stubFor(get(urlEqualTo("/v2/app/blobs/" + config.digest())).willReturn(aResponse().withBody(CONFIG)));
    }

    @AfterEach
    void nothingPartialLeft() throws Exception {
        LocalStore layout = LocalStore.open(store);
        assertEquals(List.of(), layout.names(), "no name recorded");
        try (Stream<Path> files = Files.walk(store)) { // ingest/ too, where a write made it
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".tmp")).toList());
        }
    }

    String ref(String tag) {
        return "127.0.0.1:" + registry.getPort() + "/app:" + tag;
    }

    Cli.Result pull(String tag, String... flags) {
        String[] args = Stream.concat(Stream.concat(Stream.of("--retries", "0"), Arrays.stream(flags)),
                Stream.of("pull", "-q", ref(tag))).toArray(String[]::new);
        return new Cli(home, store).run(args);
    }

    void manifest(String tag, ResponseDefinitionBuilder response) {
        registry.stubFor(get(urlEqualTo("/v2/app/manifests/" + tag)).willReturn(response));
    }

    static void assertOneLine(Cli.Result result, int exitCode, String fragment) {
        assertEquals(exitCode, result.exitCode(), result::toString);
        assertEquals(1, result.err().lines().count(), result::toString);
        assertTrue(result.err().startsWith("jreg: ") && result.err().contains(fragment), result::toString);
    }

    @Test
    void manifestThatIsNotJson() {
        manifest("1", aResponse().withBody("<html>oops</html>"));
        assertOneLine(pull("1"), 7, "manifest is not valid JSON");
    }

    @Test
    void manifestOfNoKnownKind() {
        manifest("1", aResponse().withHeader("Content-Type", "text/plain").withBody("{\"schemaVersion\":2}"));
        assertOneLine(pull("1"), 7, "cannot tell what kind of manifest");
    }

    @Test
    void hugeManifest() {
        byte[] huge = new byte[5 * 1024 * 1024];
        Arrays.fill(huge, (byte) ' ');
        manifest("1", aResponse().withBody(huge));
        assertOneLine(pull("1"), 7, "limit");
    }

    @Test
    void deeplyNestedManifest() {
        manifest("1", aResponse().withBody("{\"schemaVersion\":2,\"x\":" + "[".repeat(3000) + "]".repeat(3000) + "}"));
        assertOneLine(pull("1"), 7, "manifest is not valid JSON");
    }

    @Test
    void indexWhoseChildIsTheIndexItself() throws Exception {
        Descriptor child = Descriptor.of(MediaType.OCI_MANIFEST, Digest.sha256("whatever".getBytes(StandardCharsets.UTF_8)), 500)
                .withPlatform(Platform.host());
        ManifestBlob index = ManifestBlob.create(new ImageIndex(2, MediaType.OCI_INDEX, null, List.of(child), null, null));
        manifest("1", aResponse().withBody(index.bytes()));
        manifest(child.digest().toString(), aResponse().withBody(index.bytes()));
        assertOneLine(pull("1"), 6, "manifest digest mismatch");
    }

    @Test
    void malformedConfigOnInspect() throws Exception {
        Descriptor badConfig = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256("{oops".getBytes(StandardCharsets.UTF_8)), 5);
        registry.stubFor(get(urlEqualTo("/v2/app/blobs/" + badConfig.digest())).willReturn(aResponse().withBody("{oops")));
        ManifestBlob m = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null, badConfig, List.of(), null, null));
        manifest("1", aResponse().withBody(m.bytes()));
        assertOneLine(new Cli(home, store).run("inspect", ref("1")), 7, "is not valid JSON");
    }

    void bearer(ResponseDefinitionBuilder tokenResponse) {
        registry.stubFor(get("/v2/").willReturn(unauthorized().withHeader("WWW-Authenticate",
                "Bearer realm=\"http://127.0.0.1:" + registry.getPort() + "/token\",service=\"s\"")));
        registry.stubFor(get(urlPathEqualTo("/token")).willReturn(tokenResponse));
    }

    @Test
    void tokenResponsesThatAreNotTokens() {
        bearer(aResponse().withBody("not json at all"));
        assertOneLine(pull("1"), 7, "token response from 127.0.0.1 is not valid JSON");
        bearer(okJson("{\"nothing\":\"here\"}"));
        assertOneLine(pull("1"), 7, "has no token");
        bearer(aResponse().withBody("{\"token\":\"" + "x".repeat(70_000) + "\"}"));
        assertOneLine(pull("1"), 7, "larger than 64 KiB");
    }

    @Test
    void challengeWithoutRealm() {
        registry.stubFor(get("/v2/").willReturn(unauthorized().withHeader("WWW-Authenticate", "Bearer service=\"s\"")));
        assertOneLine(pull("1"), 7, "Bearer challenge without a valid realm");
    }

    void image(String tag) throws Exception {
        ManifestBlob m = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null, config, List.of(layer), null,
                null));
        manifest(tag, aResponse().withBody(m.bytes()));
    }

    @Test
    void blobWhoseLengthLies() throws Exception {
        image("1");
        registry.stubFor(get(urlEqualTo("/v2/app/blobs/" + layer.digest())).willReturn(aResponse()
                .withBody(Arrays.copyOf(LAYER, LAYER.length + 5))));
        assertOneLine(pull("1"), 6, "blob " + layer.digest() + " from 127.0.0.1:" + registry.getPort() + "/app: expected "
                + LAYER.length + " bytes, got " + (LAYER.length + 5) + " (its Content-Length)");
    }

    @Test
    void bodyCutShortKeepsFailing() throws Exception {
        image("1");
        registry.stubFor(get(urlEqualTo("/v2/app/blobs/" + layer.digest())).willReturn(aResponse()
                .withFault(Fault.RANDOM_DATA_THEN_CLOSE)));
        Cli.Result result = pull("1");
        assertEquals(5, result.exitCode(), result::toString);
        assertEquals(1, result.err().lines().count(), result::toString);
        assertTrue(result.err().startsWith("jreg: unexpected end of stream"), result::toString);
    }

    @Test
    void malformedChunkIsANetworkError() throws Exception {
        image("1");
        registry.stubFor(get(urlEqualTo("/v2/app/blobs/" + layer.digest())).willReturn(aResponse()
                .withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
        Cli.Result result = pull("1");
        assertEquals(5, result.exitCode(), result::toString);
        assertEquals(1, result.err().lines().count(), result::toString);
    }

    @Test
    void aSlowDribbleStillCompletes() throws Exception {
        image("1");
        registry.stubFor(get(urlEqualTo("/v2/app/blobs/" + layer.digest())).willReturn(aResponse().withBody(LAYER)
                .withChunkedDribbleDelay(5, 500)));
        Cli.Result result = new Cli(home, store).run("pull", "-q", ref("1"));
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(OciLayout.open(store).hasBlob(layer));
        OciLayout.open(store).removeNames(d -> true);
    }

    @Test
    void bodyThatNeverArrivesTimesOut() throws Exception {
        image("1");
        registry.stubFor(get(urlEqualTo("/v2/app/blobs/" + layer.digest())).willReturn(aResponse().withBody(LAYER)
                .withFixedDelay(5000)));
        assertOneLine(pull("1", "--timeout", "1"), 5, "timed out waiting for the registry");
    }

    @Test
    void registryErrorsOnEveryBlob() throws Exception {
        image("1");
        registry.stubFor(get(urlEqualTo("/v2/app/blobs/" + layer.digest())).willReturn(aResponse().withStatus(500)));
        assertOneLine(pull("1"), 5, "registry internal error (HTTP 500)");
    }

    /**
     * {@code demo/app} with tags a, b, c listed over two pages (the second behind an unquoted
     * {@code rel=next}), all one image, its manifest refused to {@code HEAD} (405).
     *
     * @return the image's manifest
     */
    ManifestBlob demoRepository() throws Exception {
        byte[] created = "{\"architecture\":\"arm64\",\"os\":\"linux\",\"created\":\"2024-01-02T03:04:05Z\"}"
                .getBytes(StandardCharsets.UTF_8);
        Descriptor configOfDemo = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256(created), created.length);
        ManifestBlob image = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null, configOfDemo, List.of(),
                null, null));
        registry.stubFor(get(urlEqualTo("/v2/demo/app/blobs/" + configOfDemo.digest())).willReturn(aResponse().withBody(created)));
        for (String reference : List.of("a", "b", "c", image.digest().toString())) {
            registry.stubFor(head(urlEqualTo("/v2/demo/app/manifests/" + reference)).willReturn(aResponse().withStatus(405)));
            registry.stubFor(get(urlEqualTo("/v2/demo/app/manifests/" + reference)).willReturn(aResponse()
                    .withHeader("Content-Type", MediaType.OCI_MANIFEST.value()).withBody(image.bytes())));
        }
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list")).willReturn(okJson("{\"tags\":[\"a\",\"b\"]}")
                .withHeader("Link", "</v2/demo/app/tags/list?n=2&last=b>; rel=next")));
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list?n=2&last=b")).willReturn(okJson("{\"tags\":[\"c\"]}")));
        return image;
    }

    String demo() {
        return "127.0.0.1:" + registry.getPort() + "/demo/app";
    }

    @Test
    void tagsFollowAnUnquotedRel() throws Exception {
        demoRepository();
        Cli.Result result = new Cli(home, store).run("tags", demo());
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals("a\nb\nc\n", result.out());
    }

    @Test
    void aLinkThatCannotBeReadIsAnErrorNotAShortList() throws Exception {
        demoRepository();
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list")).willReturn(okJson("{\"tags\":[\"a\"]}")
                .withHeader("Link", "/v2/demo/app/tags/list?n=2&last=b; rel=next")));
        assertOneLine(new Cli(home, store).run("tags", demo()), 7, "Link header cannot be read");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[\"simple\"]", "\"str\"", "null", "", "42", "[]"})
    void aListingThatIsNotAJsonObjectIsInvalidContent(String body) {
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list")).willReturn(okJson(body)));
        registry.stubFor(get(urlEqualTo("/v2/_catalog")).willReturn(okJson(body)));
        assertOneLine(new Cli(home, store).run("tags", demo()), 7, "not a JSON object");
        assertOneLine(new Cli(home, store).run("catalog", "127.0.0.1:" + registry.getPort()), 7, "not a JSON object");
    }

    @Test
    void tagsThatAreNotTagNamesAreSkippedEverywhere() throws Exception {
        ManifestBlob image = demoRepository();
        String tags = TestJson.write(List.of("simple", "bad tag", "a\nb", "-lead", "x".repeat(200), "\u001b[31mred", "a", ".dot"));
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list")).willReturn(okJson("{\"tags\":" + tags + "}")));
        registry.stubFor(head(urlEqualTo("/v2/demo/app/manifests/simple")).willReturn(aResponse().withStatus(405)));
        for (String tag : List.of("simple", image.digest().toString())) {
            registry.stubFor(get(urlEqualTo("/v2/demo/app/manifests/" + tag)).willReturn(aResponse()
                    .withHeader("Content-Type", MediaType.OCI_MANIFEST.value()).withBody(image.bytes())));
        }

        Cli.Result plain = new Cli(home, store).run("tags", demo());
        assertEquals(0, plain.exitCode(), plain::toString);
        assertEquals("simple\na\n", plain.out());
        assertEquals(1, plain.err().lines().count(), plain::toString);
        assertTrue(plain.err().startsWith("warning: ") && plain.err().contains("skipped 6 entries")
                && plain.err().contains("an invalid tag"), plain::toString);
        assertTrue(plain.err().chars().noneMatch(c -> c == 0x1b), plain::toString);

        Cli.Result details = new Cli(home, store).run("tags", "-d", "--format", "json", demo());
        assertEquals(0, details.exitCode(), details::toString);
        assertTrue(details.out().contains("\"tag\":\"simple\"") && details.out().contains("\"tag\":\"a\""),
                details::toString);
    }

    @Test
    void controlCharactersARegistrySendsNeverReachTheTerminal() {
        manifest("1", aResponse().withStatus(404).withHeader("Content-Type", "application/json").withBody(
                "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"\\u001b[2Jgone\\nfake line\"}]}"));
        Cli.Result result = pull("1");
        assertOneLine(result, 3, "\\u001b[2Jgone");
        assertTrue(result.err().chars().noneMatch(c -> c == 0x1b), result::toString);
    }

    @Test
    void anUnusableProxyIsAUsageErrorBeforeAnyConnection() {
        for (String url : List.of("http://user:secret@127.0.0.1:notaport", "https://user:secret@127.0.0.1:3128",
                "http://user:sec%ZZret@127.0.0.1:3128")) {
            Cli.Result result = new Cli(home, store).env("https_proxy", url)
                    .run("--retries", "0", "pull", "proxied.test:" + registry.getPort() + "/app:1");
            assertOneLine(result, 2, "https_proxy");
            assertTrue(!result.err().contains("secret") && !result.err().contains("sec%"), result::toString);
        }
        assertEquals(List.of(), registry.getAllServeEvents(), "nothing was sent");
    }

    @Test
    void aProxyThatRefusesTheConnectionIsNamedNotTheRegistry() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Cli.Result result = new Cli(home, store).env("HTTPS_PROXY", "http://user:secret@127.0.0.1:" + closed)
                .run("--retries", "0", "pull", "proxied.test:" + registry.getPort() + "/app:1");
        assertEquals(5, result.exitCode(), result::toString);
        assertTrue(result.err().contains("jreg: cannot reach proxy 127.0.0.1:" + closed
                + " (HTTPS_PROXY) for registry proxied.test:" + registry.getPort() + ": "), result::toString);
        assertTrue(!result.err().contains("secret"), result::toString);
    }

    Path writeFile(String relative, String content) throws Exception {
        Path file = home.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    @Test
    void aBadAuthEntryNamesItsFileAndIsInvalidContent() throws Exception {
        demoRepository();
        String host = "127.0.0.1:" + registry.getPort();
        Path podman = writeFile(".config/containers/auth.json", "{\"auths\":{\"" + host + "\":{\"auth\":\"!!!notbase64\"}}}");
        assertOneLine(new Cli(home, store).run("tags", demo()), 7, "credentials file " + podman
                + ": an \"auth\" entry is not valid base64");
        Files.writeString(podman, "{\"auths\":{\"" + host + "\":{\"auth\":\"dXNlcg==\"}}}");
        assertOneLine(new Cli(home, store).run("tags", demo()), 7, "credentials file " + podman
                + ": an \"auth\" entry is not user:password");
        Files.delete(podman);
        Path docker = writeFile(".docker/config.json", "{\"auths\":{\"" + host + "\":{\"auth\":\"%%%\"}}}");
        assertOneLine(new Cli(home, store).run("tags", demo()), 7, "docker config " + docker
                + ": an \"auth\" entry is not valid base64");
    }

    @Test
    void anUnreadablePodmanFileIsPassedOverWithOneWarning() throws Exception {
        demoRepository();
        Path podman = writeFile(".config/containers/auth.json", "{not json");
        Path runtime = writeFile("run/containers/auth.json", "[1,");
        Cli.Result result = new Cli(home, store).env("XDG_RUNTIME_DIR", home.resolve("run").toString()).run("tags", demo());
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals("a\nb\nc\n", result.out());
        assertEquals(List.of("warning: cannot read credentials file " + runtime + ": not valid JSON; going on without it",
                "warning: cannot read credentials file " + podman + ": not valid JSON; going on without it"),
                result.err().lines().toList());

        writeFile(".docker/config.json", "{not json");
        assertOneLine(new Cli(home, store).run("tags", demo()), 7, "cannot read docker config "
                + home.resolve(".docker/config.json") + ": not valid JSON");
    }

    @Test
    void catalogEntriesThatAreNotRepositoryNamesAreSkipped() {
        registry.stubFor(get(urlEqualTo("/v2/_catalog")).willReturn(okJson("{\"repositories\":"
                + TestJson.write(List.of("demo/app", "Upper/Case", "a//b", "bad name", "x".repeat(256), "\u001b]0;title\u0007", "ok"))
                + "}")));
        Cli.Result result = new Cli(home, store).run("catalog", "127.0.0.1:" + registry.getPort());
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals("demo/app\nok\n", result.out());
        assertTrue(result.err().contains("skipped 5 entries") && result.err().contains("an invalid repository name"),
                result::toString);
    }

    @Test
    void digestAndTagDetailsWhereHeadIsRefused() throws Exception {
        ManifestBlob image = demoRepository();
        Cli.Result digest = new Cli(home, store).run("digest", demo() + ":a");
        assertEquals(0, digest.exitCode(), digest::toString);
        assertEquals(image.digest() + "\n", digest.out());
        Cli.Result details = new Cli(home, store).run("tags", "--details", "--format", "json", demo());
        assertEquals(0, details.exitCode(), details::toString);
        for (String tag : List.of("a", "b", "c")) {
            assertTrue(details.out().contains("\"tag\":\"" + tag + "\""), details::toString);
        }
        assertTrue(details.out().contains(image.digest().toString()) && details.out().contains("linux/arm64"),
                details::toString);
    }

    @Test
    void aRelativeRealmWithAnEmptyServiceGetsItsToken() throws Exception {
        demoRepository();
        registry.stubFor(get("/v2/").willReturn(unauthorized().withHeader("WWW-Authenticate", "Bearer realm=\"/token\",service=")));
        registry.stubFor(get(urlPathEqualTo("/token")).willReturn(okJson("{\"token\":\"t\"}")));
        Cli.Result result = new Cli(home, store).run("digest", demo() + ":a");
        assertEquals(0, result.exitCode(), result::toString);
        registry.verify(1, getRequestedFor(urlPathEqualTo("/token")));
    }

    @Test
    void aMetadataRealmIsRefused() {
        String challenge = "Bearer realm=\"https://169.254.169.254/token\",service=\"registry\"";
        registry.stubFor(get("/v2/").willReturn(unauthorized().withHeader("WWW-Authenticate", challenge)));
        manifest("1", unauthorized().withHeader("WWW-Authenticate", challenge));
        assertOneLine(pull("1"), 7, "refusing token realm https://169.254.169.254/token of registry 127.0.0.1:"
                + registry.getPort() + ": a cloud metadata address");
    }

    /**
     * A registry error's {@code detail} is in the line when it says more (distribution's missing blob),
     * not when it repeats it ({@code {"Tag":"1"}} for tag 1; the access list of this very pull), and
     * stays one printable line (a new line, an escape sequence, a C1 control character).
     */
    @Test
    void errorDetailInTheLineOnlyWhenItSaysMore() {
        String blob = "sha256:" + "5".repeat(64);
        assertRefusal(400, "{\"code\":\"MANIFEST_BLOB_UNKNOWN\",\"message\":\"blob unknown to registry\",\"detail\":\""
                + blob + "\"}", 1, "blob unknown to registry (detail: \"" + blob + "\")");
        assertRefusal(404, "{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\",\"detail\":{\"Tag\":\"1\"}}", 3,
                "manifest unknown");
        assertRefusal(401, "{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":[{\"Type\":"
                + "\"repository\",\"Class\":\"\",\"Name\":\"app\",\"Action\":\"pull\"}]}", 4, "authentication required");
        assertRefusal(400, "{\"code\":\"UNKNOWN\",\"message\":\"refused\",\"detail\":\"a\\nb\\u001b[2J\u009bc\"}", 1,
                "refused (detail: \"a\\nb\\u001B[2J\\u009bc\")");
    }

    private void assertRefusal(int status, String error, int exitCode, String line) {
        manifest("1", aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[" + error + "]}"));
        Cli.Result result = pull("1");
        assertEquals(exitCode, result.exitCode(), result::toString);
        assertEquals("jreg: " + ref("1") + ": " + line + "\n", result.err());
    }
}
