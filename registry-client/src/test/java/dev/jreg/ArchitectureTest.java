package dev.jreg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps the layering of docs/ARCHITECTURE.md true: which libraries each package may import. */
class ArchitectureTest {
    static final Path LIBRARY = Path.of("src/main/java/dev/jreg");
    static final Path CLI = Path.of("../cli/src/main/java/dev/jreg/cli");

    static List<String> offenders(Path root, String importPrefix, String allowedUnder) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String relative = root.relativize(file).toString();
                if (allowedUnder != null && relative.startsWith(allowedUnder)) {
                    continue;
                }
                if (Files.readAllLines(file).stream().anyMatch(l -> l.startsWith("import " + importPrefix)
                        || l.startsWith("import static " + importPrefix))) {
                    out.add(relative);
                }
            }
        }
        return out;
    }

    @Test
    void okHttpStaysInTheRegistryPackage() throws IOException {
        assertEquals(List.of(), offenders(LIBRARY, "okhttp3", "registry/"));
        assertEquals(List.of(), offenders(LIBRARY, "okio", "registry/"));
        assertEquals(List.of(), offenders(CLI, "okhttp3", null));
    }

    @Test
    void theCliSpeaksNeitherHttpNorJackson() throws IOException {
        assertEquals(List.of(), offenders(CLI, "com.fasterxml", null));
        assertEquals(List.of(), offenders(CLI, "dev.jreg.registry.RegistryClient", null),
                "commands go through the Jreg façade; only option values come from the registry package");
    }

    @Test
    void theModelDoesNoIo() throws IOException {
        assertEquals(List.of(), offenders(LIBRARY.resolve("model"), "java.nio.file", null));
        assertEquals(List.of(), offenders(LIBRARY.resolve("model"), "dev.jreg.registry", null));
        assertEquals(List.of(), offenders(LIBRARY.resolve("model"), "dev.jreg.layout", null));
    }
}
