package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion script, sourced by bash and asked what it would complete. */
class CompletionTest {
    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path dir;

    Path script;

    /**
     * A stand-in for jreg on the PATH: it lists two local images, and only when asked exactly as
     * the script must ask, so that a changed call shows as no names.
     */
    @BeforeEach
    void scriptAndStub() throws IOException {
        Cli.Result generated = new Cli(home, store).run("generate-completion");
        assertEquals(0, generated.exitCode(), generated::toString);
        script = Files.writeString(dir.resolve("jreg.bash"), generated.out());
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path stub = Files.writeString(bin.resolve("jreg"), """
                #!/bin/sh
                [ "$1" = images ] && [ "$2" = --filter ] && [ "$3" = dangling=false ] && [ "$4" = --format ] \
                    && [ "$5" = '{{.Repository}}:{{.Tag}}' ] && [ $# -eq 5 ] || exit 1
                printf 'nginx:1.24.0\\nlibrary/foo/bar:1\\n'
                """);
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** What bash completes for this command line, the last word being the one completed. */
    List<String> complete(String... words) throws Exception {
        return completeLine(String.join(" ", words), words);
    }

    /** As {@link #complete}, for a line that bash splits into other words (at {@code :}). */
    List<String> completeLine(String line, String... words) throws Exception {
        String bash = "source '" + script + "'; COMP_WORDS=(" + quoted(words) + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + line + "'; COMP_POINT=" + line.length() + "; _complete_jreg jreg '"
                + words[words.length - 1] + "' '" + words[words.length - 2] + "' 2>/dev/null;"
                + " printf '%s\\n' \"${COMPREPLY[@]}\"";
        ProcessBuilder builder = new ProcessBuilder("bash", "--norc", "-c", bash).redirectErrorStream(true)
                .directory(dir.toFile());
        builder.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "bash did not finish");
        return new String(out, StandardCharsets.UTF_8).lines().filter(l -> !l.isEmpty()).toList();
    }

    private static String quoted(String[] words) {
        StringBuilder out = new StringBuilder();
        for (String word : words) {
            out.append(" '").append(word).append('\'');
        }
        return out.toString();
    }

    @Test
    void commandsThatNameALocalImageOfferTheStoresNames() throws Exception {
        assertEquals(List.of("nginx:1.24.0"), complete("jreg", "rm", "ng"));
        assertEquals(List.of("library/foo/bar:1"), complete("jreg", "tag", "lib"));
        assertEquals(List.of("nginx:1.24.0", "library/foo/bar:1"), complete("jreg", "push", ""));
        assertEquals(List.of("nginx:1.24.0"), complete("jreg", "inspect", "n"));
        assertEquals(List.of("nginx:1.24.0"), complete("jreg", "rmi", "n"));
        assertEquals(List.of("nginx:1.24.0"), complete("jreg", "history", "n"));
        assertEquals(List.of("nginx:1.24.0", "library/foo/bar:1"), complete("jreg", "save", "-o", "x.tar", ""));
        assertEquals(List.of(), complete("jreg", "pull", "n"), "pull names a registry's image, not a stored one");
    }

    /**
     * Each argument that names a stored image offers the store's names, wherever it stands among
     * options; the others (a directory, a file, a new commit's name) offer none.
     */
    @Test
    void theImageArgumentsOfTheImageMakingCommandsOfferTheStoresNames() throws Exception {
        List<String> nginx = List.of("nginx:1.24.0");
        assertEquals(nginx, complete("jreg", "unpack", "n"));
        assertEquals(nginx, complete("jreg", "unpack", "--platform", "linux/amd64", "-q", "n"));
        assertEquals(List.of(), complete("jreg", "unpack", "nginx:1.24.0", "n"), "DIR is a directory, none here");
        assertEquals(nginx, complete("jreg", "commit", "--base", "n"));
        assertEquals(nginx, complete("jreg", "commit", "-c", "ENV A=1", "--base", "n"));
        assertEquals(List.of(), complete("jreg", "commit", "n"), "DIR or NEWNAME");
        assertEquals(List.of(), complete("jreg", "commit", "--base", "nginx:1.24.0", "rootfs", "n"));
        assertEquals(nginx, complete("jreg", "export", "-o", "x.tar", "n"));
        assertEquals(List.of(), complete("jreg", "export", "-o", "n"), "-o takes a file, none here");
        assertEquals(nginx, complete("jreg", "squash", "--compression", "zstd", "n"));
        assertEquals(nginx, complete("jreg", "history", "--format", "json", "--local", "n"));
        assertEquals(nginx, complete("jreg", "save", "--platform", "linux/arm64", "library/foo/bar:1", "n"));
        assertEquals(nginx, complete("jreg", "rm", "-f", "library/foo/bar:1", "n"));
        assertEquals(List.of("library/foo/bar:1"), complete("jreg", "push", "--format", "oci", "l"));
        assertEquals(List.of("table", "json"), complete("jreg", "history", "--format", ""), "option values stay");
    }

    /**
     * Each argument that is a file or directory offers the files and directories (bash adds a
     * slash to a directory), as docker's script does for {@code save -o} and {@code load -i}; the
     * image arguments still offer the store's names.
     */
    @Test
    void fileAndDirectoryArgumentsOfferTheFiles() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("kdir")).resolve("x"), "");
        Files.writeString(dir.resolve("kex.tar"), "");
        Files.writeString(dir.resolve("s1.tar"), "");
        Files.createDirectories(dir.resolve("addons"));
        List<String> k = List.of("kdir", "kex.tar");
        assertEquals(k, sorted(complete("jreg", "unpack", "nginx:1.24.0", "k")));
        assertEquals(k, sorted(complete("jreg", "unpack", "-q", "nginx:1.24.0", "k")));
        assertEquals(k, sorted(complete("jreg", "export", "-o", "k")));
        assertEquals(k, sorted(complete("jreg", "save", "--output", "k")));
        assertEquals(k, sorted(complete("jreg", "blob", "-o", "k")));
        assertEquals(List.of("s1.tar"), complete("jreg", "load", "-i", "s1"));
        assertEquals(List.of("addons"), complete("jreg", "commit", "--add", "add"));
        assertEquals(k, sorted(complete("jreg", "commit", "-m", "hi", "k")), "commit's DIR");
        assertEquals(List.of(), complete("jreg", "commit", "kdir", "k"), "NEWNAME is no file");
        assertEquals(List.of("nginx:1.24.0"), complete("jreg", "unpack", "n"), "IMAGE is a stored image");
        assertEquals(List.of("nginx:1.24.0"), complete("jreg", "export", "-o", "kex.tar", "n"));
        assertEquals(List.of("kdir/x"), complete("jreg", "unpack", "nginx:1.24.0", "kdir/"));
    }

    private static List<String> sorted(List<String> words) {
        return words.stream().sorted().toList();
    }

    /**
     * bash splits {@code library/foo/bar:} into {@code library/foo/bar} and {@code :}: the whole
     * word is matched, and what follows its last colon offered, as bash then inserts it there.
     */
    @Test
    void namesWithColonsAreCompletedAfterTheColon() throws Exception {
        assertEquals(List.of("1"), completeLine("jreg rm library/foo/bar:", "jreg", "rm", "library/foo/bar", ":"));
        assertEquals(List.of("1.24.0"), completeLine("jreg tag nginx:1.2", "jreg", "tag", "nginx", ":", "1.2"));
        assertEquals(List.of("1.24.0"), completeLine("jreg commit --base nginx:1.2", "jreg", "commit", "--base",
                "nginx", ":", "1.2"));
        // A name before the word is one argument, not the three words bash made of it.
        assertEquals(List.of("library/foo/bar:1"), completeLine("jreg tag nginx:1.24.0 lib", "jreg", "tag", "nginx",
                ":", "1.24.0", "lib"));
        assertEquals(List.of(), completeLine("jreg unpack nginx:1.24.0 n", "jreg", "unpack", "nginx", ":", "1.24.0",
                "n"));
    }

    @Test
    void optionsThatTakeOneOfAFewValuesOfferThem() throws Exception {
        assertEquals(List.of("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6"),
                complete("jreg", "pull", "--platform", "linux/a"));
        assertEquals(List.of("table", "json"), complete("jreg", "images", "--format", ""));
        assertEquals(List.of("oci", "docker"), complete("jreg", "copy", "--format", ""), "copy's --format is a manifest format");
        assertEquals(List.of("oci", "docker"), complete("jreg", "push", "--format", ""));
        assertEquals(List.of(), complete("jreg", "copy", "--chunk-size", ""), "a placeholder offers nothing");
        assertTrue(complete("jreg", "pu").containsAll(List.of("pull", "push")));
    }
}
