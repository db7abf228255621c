package dev.jreg.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.error.BlobNotFoundException;
import dev.jreg.error.ImageNotFoundException;
import dev.jreg.error.NoMatchingPlatformException;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Digest;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.TestImages;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is not there — a name in the local store, a platform in an index, a tag or blob a registry
 * answered a {@code HEAD} for with nothing — is one line naming it, exit 3 (README, Exit codes).
 */
class NotFoundTest {
    private static final Platform AMD64 = Platform.of("linux", "amd64", null);
    private static final String BLOB = Digest.sha256("absent".getBytes(StandardCharsets.UTF_8)).toString();

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

    private String host() {
        return "127.0.0.1:" + registry.getPort();
    }

    private Cli.Result jreg(String... args) {
        return new Cli(home, store).run(args);
    }

    private void assertNotFound(String message, Cli.Result result) {
        assertEquals(3, result.exitCode(), result::toString);
        assertEquals("jreg: " + message + "\n", result.err(), result::toString);
    }

    @Test
    void pushOfEveryTagOfARepositoryTheStoreLacks() throws Exception {
        TestImages.writeImage(OciLayout.open(store), Reference.parse(host() + "/other:1"), AMD64,
                List.of(TestImages.layer(1, 200)));

        assertNotFound("no tags of " + host() + "/app in the local store", jreg("push", "--all-tags", host() + "/app"));
        assertNotFound("no tags of app in the local store", jreg("push", "-a", "app"));
        assertNotFound("no such image in the local store: " + host() + "/app:1", jreg("push", host() + "/app:1"));
        assertEquals(0, registry.getAllServeEvents().size(), "nothing was asked of the registry");
    }

    @Test
    void anImageIdPrefixNoImageHasIsNotFoundRatherThanAMalformedDigest() {
        assertNotFound("no such image in the local store: sha256:0123abcd", jreg("tag", "sha256:0123abcd", "x:1"));
        assertNotFound("no such image in the local store: sha256:0123abcd",
                jreg("inspect", "--local", "sha256:0123abcd"));
    }

    @Test
    void aLocalNameOrRepositoryTheStoreLacksIsSaidAsEveryCommandSaysIt() throws Exception {
        TestImages.writeImage(OciLayout.open(store), Reference.parse("nosuch:1"), AMD64, List.of(TestImages.layer(1, 200)));

        assertNotFound("no such image in the local store: nosuch:2 (stored: nosuch:1)", jreg("digest", "local:nosuch:2"));
        assertNotFound("no such image in the local store: nosuch:2 (stored: nosuch:1)", jreg("inspect", "local:nosuch:2"));
        assertNotFound("no tags of other in the local store", jreg("tags", "local:other"));
        assertEquals("1\n", jreg("tags", "local:nosuch").out());
    }

    @Test
    void aBeforeOrSinceFilterNamingNoStoredImage() {
        assertNotFound("no such image in the local store: nosuch:1", jreg("images", "--filter", "before=nosuch:1"));
        assertNotFound("no such image in the local store: nosuch:latest", jreg("images", "--filter", "since=nosuch"));
    }

    @Test
    void aTagTheRegistryAnswersAHeadForWithNothing() {
        registry.stubFor(head(urlPathMatching("/v2/app/manifests/nope")).willReturn(notFound()));

        assertNotFound(host() + "/app:nope: manifest unknown", jreg("digest", host() + "/app:nope"));
        assertNotFound(host() + "/app:nope: manifest unknown", jreg("delete", host() + "/app:nope"));
    }

    @Test
    void aBlobTheRegistryAnswersAHeadForWithNothing() {
        registry.stubFor(head(urlPathMatching("/v2/app/blobs/.*")).willReturn(notFound()));

        assertNotFound(host() + "/app@" + BLOB + ": blob unknown", jreg("blob", host() + "/app@" + BLOB));
    }

    @Test
    void aRepositoryWithoutTagsPulledWithAllTags() {
        registry.stubFor(get(urlPathMatching("/v2/app/tags/list")).willReturn(okJson("{\"name\":\"app\",\"tags\":[]}")));

        assertNotFound(host() + "/app has no tags", jreg("pull", "--all-tags", host() + "/app"));
    }

    @Test
    void aPlatformTheStoredIndexLacks() throws Exception {
        TestImages.writeAmd64AndArm64(OciLayout.open(store), Reference.parse("multi:1"), 200);

        assertNotFound("no image for platform linux/s390x in local:docker.io/library/multi:1 (it has linux/amd64,"
                + " linux/arm64)", jreg("config", "--platform", "linux/s390x", "local:multi:1"));
        assertNotFound("no image for platform windows/amd64 in local:docker.io/library/multi:1 (it has linux/amd64,"
                + " linux/arm64)", jreg("inspect", "--platform", "windows/amd64", "local:multi:1"));
    }

    @Test
    void eachKindOfAbsenceMapsToNotFoundByTypeEvenWrapped() {
        ImageNotFoundException image = new ImageNotFoundException("gone", "a:1", List.of());
        assertEquals(ExitCodes.NOT_FOUND, ExitCodes.of(image));
        assertEquals(ExitCodes.NOT_FOUND, ExitCodes.of(new UncheckedIOException(image)));
        assertEquals(ExitCodes.NOT_FOUND, ExitCodes.of(new BlobNotFoundException("gone", Digest.parse(BLOB))));
        assertEquals(ExitCodes.NOT_FOUND, ExitCodes.of(new NoMatchingPlatformException("gone", AMD64, "a:1")));
    }
}
