package dev.jreg.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.model.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The keys a source takes besides skopeo's own, and one line naming the file and source for each mistake. */
class SyncConfigTest {
    @TempDir
    Path dir;

    SyncConfig.Source read(String source) throws Exception {
        Path file = dir.resolve("sync.yaml");
        Files.writeString(file, "quay.io:\n" + source);
        return SyncConfig.read(file).sources().get(0);
    }

    @Test
    void readsSemverTagsPlatformsAndAllTags() throws Exception {
        SyncConfig.Source source = read("""
                  images:
                    team/app: ["1", "2"]
                    team/db: []
                  images-by-semver:
                    team/web: ">= 1.2, < 2 || ^3"
                  tags:
                    allow: ["^v?[0-9]"]
                    deny: ["-rc", "^sha256-"]
                    semver: ">=1"
                    newest: 3
                  platforms: [linux/amd64, linux/arm64/v8]
                  all-tags: true
                """);
        assertEquals(Map.of("team/app", List.of(), "team/db", List.of()), source.images());
        assertEquals(">= 1.2, < 2 || ^3", source.semverConstraints().get("team/web").toString());
        assertEquals(3, source.tags().newest());
        assertEquals(List.of("^v?[0-9]"), source.tags().allow().stream().map(Object::toString).toList());
        assertEquals(List.of("-rc", "^sha256-"), source.tags().deny().stream().map(Object::toString).toList());
        assertEquals(List.of(Platform.of("linux", "amd64", null), Platform.of("linux", "arm64", "v8")),
                source.platforms());
        SyncConfig.Source plain = read("  images:\n    team/app: [\"1\"]\n");
        assertEquals(TagFilter.NONE, plain.tags());
        assertEquals(List.of(), plain.platforms());
        assertEquals(Map.of("team/app", List.of("1")), plain.images());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "images-by-semver: {x: '>= 1.2 <<2'}|images-by-semver: x: not a semver constraint: \">= 1.2 <<2\"",
        "images-by-semver: {x: 1.2}|images-by-semver: x: expected a constraint in quotes, such as \">= 1.2, < 2\"",
        "tags: {newest: 0}|tags: newest: expected a whole number of at least 1",
        "tags: {newest: two}|tags: newest: expected a whole number of at least 1",
        "tags: {keep: 1}|tags: unknown key \"keep\" (known: allow, deny, newest, semver)",
        "tags: {deny: ['(']}|tags: deny: invalid regular expression: Unclosed group",
        "tags: {semver: '~>'}|tags: semver: not a semver constraint: \"~>\"",
        "tags: [a]|tags: expected a mapping of allow, deny, semver, newest",
        "platforms: [linux]|platforms: invalid platform \"linux\": expected os/arch[/variant]",
        "platforms: []|platforms: expected a list such as [linux/amd64, linux/arm64]",
        "all-tags: 3|all-tags: expected true or false",
        "images: {team/app: ['bad:tag']}|images: team/app: not a tag or digest: bad:tag",
        "images: {team/app: ['a b']}|images: team/app: not a tag or digest: a b",
        "images: {team/app: [[1]]}|images: team/app: not a tag or digest: [1]"})
    void aMistakeIsOneLineNamingTheFileAndSource(String yaml, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read("  " + yaml + "\n"));
        assertEquals(dir.resolve("sync.yaml") + ": quay.io: " + message, e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
    }

    @Test
    void yamlThatDoesNotParseNamesItsLineAndAKeyGivenTwiceIsRefused() throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "quay.io:\n  images:\n    a/b: [1, 2\n  x: 1\n");
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class, () -> SyncConfig.read(file));
        assertEquals(file + ": line 4, column 4: not valid YAML: expected ',' or ']', but got :", broken.getMessage());

        Files.writeString(file, "quay.io:\n  images:\n    a/b: [\"1\"]\nquay.io:\n  images:\n    c/d: [\"1\"]\n");
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> SyncConfig.read(file));
        assertEquals(file + ": key \"quay.io\" given twice", twice.getMessage());
    }
}
