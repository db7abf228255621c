package dev.jreg.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.error.InvalidReferenceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReferenceTest {
    private static final String HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "nginx                                   | docker.io/library/nginx:latest",
        "nginx:1.24.0                            | docker.io/library/nginx:1.24.0",
        "library/nginx                           | docker.io/library/nginx:latest",
        "docker.io/nginx                         | docker.io/library/nginx:latest",
        "docker.io/library/nginx:1.24.0          | docker.io/library/nginx:1.24.0",
        "index.docker.io/nginx                   | docker.io/library/nginx:latest",
        "index.docker.io/user/app:v1             | docker.io/user/app:v1",
        "user/app                                | docker.io/user/app:latest",
        "user/team/app:v1                        | docker.io/user/team/app:v1",
        "localhost/app                           | localhost/app:latest",
        "localhost:5000/app                      | localhost:5000/app:latest",
        "localhost:5000/app:v2                   | localhost:5000/app:v2",
        "127.0.0.1:5000/a/b/c:t                  | 127.0.0.1:5000/a/b/c:t",
        "ghcr.io/owner/image:1.0                 | ghcr.io/owner/image:1.0",
        "registry.example.com/app                | registry.example.com/app:latest",
        "registry:5000/app                       | registry:5000/app:latest",
        "Registry/app                            | Registry/app:latest",
        "[::1]:5000/app:x                        | [::1]:5000/app:x",
        "localhost:5000                          | docker.io/library/localhost:5000",
        "a/b-c_d__e/f---g.h:Tag_1.0-x            | docker.io/a/b-c_d__e/f---g.h:Tag_1.0-x",
        "my-registry.local:443/ns/app:latest     | my-registry.local:443/ns/app:latest",
    })
    void normalisesLikeDocker(String input, String expected) {
        assertEquals(expected, Reference.parse(input).toString());
    }

    @Test
    void keepsTagAndDigestTogether() {
        Reference ref = Reference.parse("nginx:1.24@sha256:" + HEX);
        assertEquals("1.24", ref.tag());
        assertEquals("sha256:" + HEX, ref.digest().toString());
        assertEquals("sha256:" + HEX, ref.tagOrDigest(), "the digest decides what is fetched");
        assertEquals("docker.io/library/nginx:1.24@sha256:" + HEX, ref.toString());
    }

    @Test
    void digestOnlyHasNoTag() {
        Reference ref = Reference.parse("localhost:5000/app@sha256:" + HEX);
        assertEquals(null, ref.tag());
        assertEquals("localhost:5000", ref.registry());
        assertEquals("app", ref.repository());
    }

    @Test
    void dockerHubApiHostDiffersFromItsName() {
        assertEquals("registry-1.docker.io", Reference.parse("nginx").apiHost());
        assertEquals("localhost:5000", Reference.parse("localhost:5000/x").apiHost());
    }

    @Test
    void familiarFormsMatchDockerOutput() {
        assertEquals("nginx:1.24.0", Reference.parse("docker.io/library/nginx:1.24.0").familiar());
        assertEquals("user/app:v1", Reference.parse("user/app:v1").familiar());
        assertEquals("localhost:5000/app:v1", Reference.parse("localhost:5000/app:v1").familiar());
        assertEquals("library/nginx", Reference.parse("nginx").repository());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "docker.io/library/foo/bar:1                | library/foo/bar:1",
        "library/foo/bar:1                          | library/foo/bar:1",
        "index.docker.io/library/a/b/c@sha256:" + HEX + " | library/a/b/c@sha256:" + HEX,
        "foo/bar:1                                  | foo/bar:1",
        "foo                                        | foo:latest",
        "docker.io/library/foo                      | foo:latest",
        "library/library:1                          | library:1",
        "library/library/x:1                        | library/library/x:1",
        "localhost:5000/library/foo:1               | localhost:5000/library/foo:1",
        "docker.io/my.org/app:1                     | docker.io/my.org/app:1",
        "docker.io/localhost/app:1                  | docker.io/localhost/app:1",
    })
    void libraryIsLeftOutOnlyBeforeASingleComponent(String input, String familiar) {
        Reference reference = Reference.parse(input);
        assertEquals(familiar, reference.familiar());
        assertEquals(reference, Reference.parse(reference.familiar()), "the familiar form names the same image");
    }

    @Test
    void typedFamiliarNamesMeanTheirOwnRepositories() {
        assertEquals("docker.io/library/foo/bar:latest", Reference.parse("library/foo/bar").toString());
        assertEquals("docker.io/foo/bar:latest", Reference.parse("foo/bar").toString());
        assertEquals("docker.io/library/foo:latest", Reference.parse("foo").toString());
    }

    @Test
    void dockerHubPartsAreNormalisedWhenBuiltDirectly() {
        Reference built = new Reference("index.docker.io", "foo", "1", null);
        assertEquals(Reference.parse("foo:1"), built);
        assertEquals("foo:1", built.familiar());
        assertEquals("docker.io/foo/bar:1", new Reference("docker.io", "foo/bar", "1", null).toString());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "''                                | empty reference",
        "Nginx                             | must be lowercase",
        "docker.io/Library/nginx           | must be lowercase",
        "localhost:5000/App                | must be lowercase",
        "nginx:                            | invalid tag",
        "nginx:-bad                        | invalid tag",
        "nginx:.bad                        | invalid tag",
        "nginx:bad/tag                     | invalid registry host",
        "nginx@sha256:abc                  | invalid sha256 digest",
        "nginx@md5:" + "d41d8cd98f00b204e9800998ecf8427e | unsupported digest algorithm",
        "nginx@                            | invalid digest format",
        "a//b                              | empty path component",
        "/nginx                            | empty path component",
        "nginx/                            | empty path component",
        "ex ample/app                      | whitespace",
        ":tag                              | missing repository name",
        "-host.com/app                     | invalid registry host",
        "host_name.com:5000/app            | invalid registry host",
        "localhost:port/app                | invalid registry host",
        "app..name                         | invalid repository path component",
        "app-                              | invalid repository path component",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 | 64-byte hexadecimal",
    })
    void rejectsInvalidFormsWithAClearMessage(String input, String message) {
        InvalidReferenceException e = assertThrows(InvalidReferenceException.class, () -> Reference.parse(input));
        assertTrue(e.getMessage().contains(message), () -> "message for \"" + input + "\" was: " + e.getMessage());
    }

    @Test
    void tagLongerThan128IsRejected() {
        assertThrows(InvalidReferenceException.class, () -> Reference.parse("app:" + "a".repeat(129)));
        assertEquals("a".repeat(128), Reference.parse("app:" + "a".repeat(128)).tag());
    }

    @Test
    void theRepositoryPathMayHave255CharactersWhateverTheHost() {
        String host = "registry-" + "h".repeat(60) + ".example.com:5000";
        String path = "team/" + "a".repeat(250);
        assertEquals(255, path.length());
        Reference reference = Reference.parse(host + "/" + path + ":1");
        assertEquals(path, reference.repository());
        assertEquals(host, reference.registry());
        assertEquals(path, Reference.parse("registry.example.com/" + path).repository());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "registry-hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh.example.com:5000/",
        "registry.example.com/",
        "localhost/",
    })
    void aRepositoryPathOf256IsRefusedWithDistributionsMessage(String host) {
        String path = "team/" + "a".repeat(251);
        InvalidReferenceException e = assertThrows(InvalidReferenceException.class, () -> Reference.parse(host + path + ":1"));
        assertTrue(e.getMessage().startsWith("invalid reference format: repository name of \"" + (host + path).substring(0, 40)),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("\" must not be more than 255 characters (it has 256)"), e.getMessage());
    }

    @Test
    void dockerHubsLibraryPrefixCountsTowardsTheLimit() {
        // "library/" (8) + 247 = 255, the most an official name may have.
        assertEquals("library/" + "a".repeat(247), Reference.parse("a".repeat(247)).repository());
        InvalidReferenceException e = assertThrows(InvalidReferenceException.class, () -> Reference.parse("a".repeat(248)));
        assertTrue(e.getMessage().endsWith("\" must not be more than 255 characters (it has 256)"), e.getMessage());
        assertEquals("a/" + "b".repeat(253), Reference.parse("docker.io/a/" + "b".repeat(253)).repository());
    }

    @Test
    void withTagAndWithDigestStayInTheRepository() {
        Reference ref = Reference.parse("localhost:5000/app:v1");
        assertEquals("localhost:5000/app:v2", ref.withTag("v2").toString());
        Digest digest = Digest.parse("sha256:" + HEX);
        assertEquals("localhost:5000/app:v1@sha256:" + HEX, ref.withDigest(digest).toString());
    }
}
