package dev.jreg.internal.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.error.DockerfileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code .dockerignore} files from Docker's documentation (Build context, ".dockerignore files":
 * "Syntax", "Matching", "Negating matches"), and the {@code **} forms of moby's patternmatcher:
 * each row an ignore file (lines separated by {@code ;}), a path of the context, and whether the
 * context leaves it out.
 */
class IgnoreRulesTest {
    private static IgnoreRules rules(String lines) {
        return IgnoreRules.parse(".dockerignore", lines.replace(';', '\n'));
    }

    @ParameterizedTest(name = "[{0}] {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            // Matching: the documentation's example file
            "# comment;*/temp*;*/*/temp*;temp? | somedir/temporary.txt        | true",
            "# comment;*/temp*;*/*/temp*;temp? | somedir/temp                 | true",
            "# comment;*/temp*;*/*/temp*;temp? | somedir/temp/inside.txt      | true",
            "# comment;*/temp*;*/*/temp*;temp? | somedir/subdir/temporary.txt | true",
            "# comment;*/temp*;*/*/temp*;temp? | tempa                        | true",
            "# comment;*/temp*;*/*/temp*;temp? | tempb                        | true",
            "# comment;*/temp*;*/*/temp*;temp? | temp                         | false",
            "# comment;*/temp*;*/*/temp*;temp? | temporary.txt                | false",
            "# comment;*/temp*;*/*/temp*;temp? | a/b/c/temporary.txt          | false",
            "# comment;*/temp*;*/*/temp*;temp? | # comment                    | false",
            // Syntax: leading and trailing slashes are disregarded
            "/foo/bar/ | foo/bar       | true",
            "/foo/bar  | foo/bar/x.txt | true",
            "foo/bar/  | foo/bar       | true",
            "foo/bar   | foo           | false",
            "foo/bar   | bar           | false",
            "foo/bar   | x/foo/bar     | false",
            // A comment is # in column 1 only
            "#/this/is/a/comment | this/is/a/comment | false",
            "~ #not a comment~   | #not a comment    | true",
            // Cleaned as filepath.Clean cleans; the pattern . is ignored
            "./a/../b/ | b | true",
            ".         | a | false",
            // ** matches any number of directories, none included
            "**/*.go   | main.go        | true",
            "**/*.go   | a/b/c.go       | true",
            "**/*.go   | a/b/c.gox      | false",
            "**        | any/thing      | true",
            "dir/**    | dir/file       | true",
            "dir/**    | dir/d2/file    | true",
            "dir/**    | other/file     | false",
            "**/dir2/* | dir/dir2/file  | true",
            "**/dir    | dir            | true",
            "**/dir    | dir/file       | true",
            "a/**/b    | a/b            | true",
            "a/**/b    | a/x/y/b        | true",
            // Go's filepath.Match: * and ? stay within a path element, [classes], \\ escapes
            "*.md      | docs/notes.md  | false",
            "*/*.md    | docs/notes.md  | true",
            "file[0-9] | file7          | true",
            "file[^0-9] | file7         | false",
            "file\\*   | file*          | true",
            "file\\*   | fileX          | false",
            // Negating matches: the last matching line decides
            "*.md;!README.md                         | README.md         | false",
            "*.md;!README.md                         | CHANGES.md        | true",
            "*.md;!README.md                         | docs/notes.md     | false",
            "*.md;!README*.md;README-secret.md       | README-secret.md  | true",
            "*.md;!README*.md;README-secret.md       | README-other.md   | false",
            "*.md;!README*.md;README-secret.md       | other.md          | true",
            "*.md;README-secret.md;!README*.md       | README-secret.md  | false",
            "Dockerfile;.dockerignore                | Dockerfile        | true",
            // Excluding everything but what is named: * then exceptions
            "*;!src;!README.md                       | build.log         | true",
            "*;!src;!README.md                       | src/main/app.c    | false",
            "*;!src;!README.md                       | README.md         | false",
            // A directory left out leaves its content out, unless an exception brings it back
            "node_modules                            | node_modules/x/y.js | true",
            "docs;!docs/README.md                    | docs/README.md    | false",
            "docs;!docs/README.md                    | docs/other.md     | true",
            "foo;!foo/bar;foo/bar/baz;!foo/bar/baz/x | foo/bar/baz/x     | false",
            "foo;!foo/bar;foo/bar/baz;!foo/bar/baz/x | foo/bar/baz/y     | true",
            // BuildKit's walk takes a directory's results for its content: !a, tried for a only while
            // nothing was left out, does not bring back what a later-matching line left out below it
            "a/b;!a                                  | a/b               | true",
            "a/b;!a                                  | a/c               | false"})
    void contextPathsAreLeftOutAsDockerLeavesThemOut(String lines, String path, boolean excluded) {
        assertEquals(excluded, rules(lines).excluded(path));
    }

    @Test
    void theWalkerGoesThroughALeftOutDirectoryOnlyWhereAnExceptionMayBringSomethingBack() {
        assertFalse(rules("node_modules").mayReincludeUnder("node_modules"), "no exception at all");
        IgnoreRules docs = rules("docs;other;!docs/README.md");
        assertTrue(docs.mayReincludeUnder("docs"));
        assertFalse(docs.mayReincludeUnder("other"));
        IgnoreRules nested = rules("foo;!foo/bar/");
        assertTrue(nested.mayReincludeUnder("foo"));
        assertTrue(nested.mayReincludeUnder("foo/bar"));
        assertFalse(nested.mayReincludeUnder("foo/baz"));
        IgnoreRules trailingGlob = rules("dir/**;!dir/keep/*");
        assertTrue(trailingGlob.mayReincludeUnder("dir"));
        assertFalse(trailingGlob.mayReincludeUnder("dir/other"));
        assertTrue(rules("*;!src/**/*.c").mayReincludeUnder("build"), "an exception that is a pattern may match anywhere");
        assertFalse(rules("").excluded("anything"));
        assertFalse(rules("*").excluded(""), "the context's root is never left out");
    }

    @Test
    void malformedPatternsNameTheFileAndLine() {
        assertEquals(".dockerignore:2: illegal exclusion pattern: \"!\"",
                assertThrows(DockerfileException.class, () -> rules("a;!")).getMessage());
        assertEquals(".dockerignore:1: bad pattern \"file[\": syntax error in pattern (an unclosed [ or a \\ at the"
                + " end)", assertThrows(DockerfileException.class, () -> rules("file[")).getMessage());
        assertEquals("app/Dockerfile.dockerignore:3: bad pattern \"a[]b]\": syntax error in pattern (an unclosed [ or"
                + " a \\ at the end)", assertThrows(DockerfileException.class,
                        () -> IgnoreRules.parse("app/Dockerfile.dockerignore", "# x\n\na[]b]\n")).getMessage());
        assertEquals(".dockerignore:1: bad pattern \"end\\\": syntax error in pattern (an unclosed [ or a \\ at the"
                + " end)", assertThrows(DockerfileException.class, () -> rules("end\\")).getMessage());
    }

    @Test
    void aDockerfilesOwnIgnoreFileComesBeforeTheContexts(@TempDir Path context) throws IOException {
        Path docker = Files.createDirectory(context.resolve("docker"));
        Path dockerfile = Files.writeString(docker.resolve("build.Dockerfile"), "FROM scratch\n");
        assertEquals(context.resolve(".dockerignore"), IgnoreRules.file(context, dockerfile));
        Files.writeString(docker.resolve("build.Dockerfile.dockerignore"), "*.log\n");
        assertEquals(docker.resolve("build.Dockerfile.dockerignore"), IgnoreRules.file(context, dockerfile));
        assertEquals(context.resolve(".dockerignore"), IgnoreRules.file(context, null), "a Dockerfile from stdin");
        Files.createDirectory(context.resolve("Dockerfile.dockerignore"));
        assertEquals(context.resolve(".dockerignore"), IgnoreRules.file(context, context.resolve("Dockerfile")),
                "a directory is no ignore file");
    }
}
