package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names as docker reads and shows them: {@code library/} is left out only before a single path
 * component, so that every name printed can be typed back and means the same repository; a
 * repository path has at most 255 characters, the registry host not counted.
 */
class ImageNameTest {
    @TempDir
    Path store;
    Cli cli;

    @BeforeEach
    void nestedOfficialName(@TempDir Path home) throws Exception {
        cli = new Cli(home, store);
        TestImages.writeImage(OciLayout.open(store), Reference.parse("docker.io/library/foo/bar:1"),
                Platform.of("linux", "amd64", null), List.of(TestImages.layer(91, 2_000)));
    }

    Cli.Result run(String... args) {
        return cli.run(args);
    }

    /** {@code REPOSITORY:TAG} of every image, as {@code images --format json} gives them, sorted. */
    List<String> repositories() throws Exception {
        Cli.Result images = run("images", "--format", "json");
        assertEquals(0, images.exitCode(), images::toString);
        List<String> names = new java.util.ArrayList<>();
        for (String line : images.out().lines().toList()) {
            JsonNode image = Json.parse(line.getBytes(StandardCharsets.UTF_8));
            names.add(image.path("Repository").asText() + ":" + image.path("Tag").asText());
        }
        return names.stream().sorted().toList();
    }

    @Test
    void aNestedOfficialNameKeepsLibraryAndCanBeTypedBack() throws Exception {
        Cli.Result images = run("images", "--no-total");
        assertEquals(0, images.exitCode(), images::toString);
        assertTrue(images.out().lines().skip(1).findFirst().orElseThrow().startsWith("library/foo/bar   1   "),
                images::toString);

        Cli.Result other = run("rm", "foo/bar:1");
        assertEquals(3, other.exitCode(), "foo/bar is docker.io/foo/bar, another repository: " + other);
        assertEquals("jreg: no such image in the local store: foo/bar:1\n", other.err());

        Cli.Result rm = run("rm", "library/foo/bar:1");
        assertEquals(0, rm.exitCode(), rm::toString);
        assertTrue(rm.out().startsWith("Untagged: library/foo/bar:1\n"), rm::toString);
        assertEquals(List.of(), OciLayout.open(store).names());
    }

    @Test
    void tagsBetweenOfficialNamesOfEachShape() throws Exception {
        assertEquals(0, run("tag", "library/foo/bar:1", "foo:2").exitCode());
        assertEquals(0, run("tag", "foo:2", "foo/bar:3").exitCode());
        assertEquals(0, run("tag", "foo/bar:3", "library/foo/bar:4").exitCode());
        assertEquals(List.of("foo/bar:3", "foo:2", "library/foo/bar:1", "library/foo/bar:4"), repositories());
        assertEquals(List.of("docker.io/foo/bar:3", "docker.io/library/foo/bar:1", "docker.io/library/foo/bar:4",
                        "docker.io/library/foo:2"),
                OciLayout.open(store).names().stream().map(d -> d.annotations().get(Descriptor.REF_NAME)).sorted().toList(),
                "index.json names every image in full");

        Cli.Result rm = run("rm", "foo", "foo:2", "library/foo/bar:4");
        assertEquals(1, rm.exitCode(), "foo is foo:latest, which the store does not have; the rest goes: " + rm);
        assertEquals("jreg: no such image in the local store: foo:latest\n", rm.err(), "foo:2 went in the same run");
        assertEquals("Untagged: foo:2\nUntagged: library/foo/bar:4\n",
                rm.out().lines().filter(l -> l.startsWith("Untagged")).map(l -> l + "\n").reduce("", String::concat));
        Cli.Result rmRest = run("rm", "foo/bar:3");
        assertEquals(0, rmRest.exitCode(), rmRest::toString);
        assertEquals(List.of("library/foo/bar:1"), repositories());
    }

    @Test
    void aDockerHubNamespaceThatLooksLikeAHostKeepsDockerIo() throws Exception {
        assertEquals(0, run("tag", "library/foo/bar:1", "docker.io/my.org/app:1").exitCode());
        List<String> names = repositories();
        assertTrue(names.contains("docker.io/my.org/app:1"), names::toString);
        Cli.Result rm = run("rm", "docker.io/my.org/app:1");
        assertEquals("Untagged: docker.io/my.org/app:1\n", rm.out());
    }

    @Test
    void aRepositoryPathOf255IsAcceptedBehindALongHostAnd256Refused() throws Exception {
        String host = "registry-" + "h".repeat(80) + ".example.com:5000";
        String path = "team/" + "a".repeat(250);
        Cli.Result tagged = run("tag", "library/foo/bar:1", host + "/" + path + ":1");
        assertEquals(0, tagged.exitCode(), tagged::toString);
        assertTrue(OciLayout.open(store).lookup(host + "/" + path + ":1").isPresent());

        Cli.Result refused = run("tag", "library/foo/bar:1", host + "/" + path + "a:1");
        assertEquals(2, refused.exitCode(), refused::toString);
        assertTrue(refused.err().startsWith("jreg: invalid reference format: repository name of \"" + host.substring(0, 90))
                && refused.err().endsWith("\" must not be more than 255 characters (it has 256)\n"), refused::toString);
        Cli.Result official = run("pull", "a".repeat(248));
        assertEquals(2, official.exitCode(), "library/ counts: " + official);
        assertEquals("jreg: invalid reference format: repository name of \"" + "a".repeat(100)
                + "\" must not be more than 255 characters (it has 256)\n", official.err());
    }
}
