package dev.jreg.internal.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.model.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryBlobRecordTest {
    static final String REGISTRY = "localhost:5000";

    @TempDir
    Path root;

    static Digest blob(int n) {
        return Digest.sha256(("blob " + n).getBytes(StandardCharsets.UTF_8));
    }

    RegistryBlobRecord open() throws IOException {
        return new RegistryBlobRecord(LocalStore.open(root));
    }

    Path file() {
        return root.resolve("cache/registry-blobs/localhost%3A5000");
    }

    @Test
    void aLaterProcessFindsTheRepositoryPerRegistryAndTheNewestWins() throws IOException {
        RegistryBlobRecord first = open();
        first.record(REGISTRY, blob(1), "mirror/app");
        first.record("other.test", blob(1), "elsewhere/app");
        assertEquals(Optional.empty(), open().repositoryOf(REGISTRY, blob(1)), "nothing is kept before save");
        first.save();

        RegistryBlobRecord second = open();
        assertEquals(Optional.of("mirror/app"), second.repositoryOf(REGISTRY, blob(1)));
        assertEquals(Optional.of("elsewhere/app"), second.repositoryOf("other.test", blob(1)));
        assertEquals(Optional.empty(), second.repositoryOf(REGISTRY, blob(2)));
        second.record(REGISTRY, blob(1), "mirror/web");
        second.save();
        assertEquals(Optional.of("mirror/web"), open().repositoryOf(REGISTRY, blob(1)));
        assertEquals(List.of(blob(1) + " mirror/web"), Files.readAllLines(file()));
    }

    @Test
    void onlyTheNewestEntriesAreKept() throws IOException {
        RegistryBlobRecord record = open();
        for (int n = 0; n < RegistryBlobRecord.MAX_ENTRIES + 5; n++) {
            record.record(REGISTRY, blob(n), "mirror/app");
        }
        record.save();
        List<String> lines = Files.readAllLines(file());
        assertEquals(RegistryBlobRecord.MAX_ENTRIES, lines.size());
        assertEquals(blob(5) + " mirror/app", lines.get(0), "the five oldest are dropped");
        RegistryBlobRecord later = open();
        assertEquals(Optional.empty(), later.repositoryOf(REGISTRY, blob(4)));
        assertEquals(Optional.of("mirror/app"), later.repositoryOf(REGISTRY, blob(RegistryBlobRecord.MAX_ENTRIES + 4)));
    }

    @Test
    void damagedLinesAreIgnoredAndTheRestRead() throws IOException {
        Files.createDirectories(file().getParent());
        byte[] damaged = (blob(1) + " mirror/one\n"
                + "garbage\n"
                + blob(2) + " Not/A/Repository\n"
                + "sha256:zz mirror/two\n"
                + "\u00ff\u00fe\n"
                + blob(3) + " mirror/three\n"
                + blob(4).toString().substring(0, 30)).getBytes(StandardCharsets.ISO_8859_1);
        Files.write(file(), damaged);
        RegistryBlobRecord record = open();
        assertEquals(Optional.of("mirror/one"), record.repositoryOf(REGISTRY, blob(1)));
        assertEquals(Optional.empty(), record.repositoryOf(REGISTRY, blob(2)));
        assertEquals(Optional.of("mirror/three"), record.repositoryOf(REGISTRY, blob(3)));

        record.record(REGISTRY, blob(5), "mirror/five");
        record.save();
        assertEquals(List.of(blob(1) + " mirror/one", blob(3) + " mirror/three", blob(5) + " mirror/five"),
                Files.readAllLines(file()), "a save rewrites the file with only whole, valid lines");
    }

    @Test
    void twoProcessesSavingAtOnceLeaveAWholeFile() throws Exception {
        RegistryBlobRecord one = open();
        RegistryBlobRecord two = open();
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> saveMany(one, 0));
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> saveMany(two, 1000));
        first.get(60, TimeUnit.SECONDS);
        second.get(60, TimeUnit.SECONDS);
        List<String> lines = Files.readAllLines(file());
        assertFalse(lines.isEmpty());
        for (String line : lines) {
            assertTrue(RegistryBlobRecord.parse(REGISTRY, line).isPresent(), line);
        }
        assertTrue(Files.readString(file()).endsWith("\n"));
        try (Stream<Path> temps = Files.list(root.resolve("ingest"))) {
            assertEquals(0, temps.count(), "no temp file is left");
        }
        assertTrue(lines.contains(blob(49) + " mirror/p0") || lines.contains(blob(1049) + " mirror/p1000"),
                "the last save is whole in the file");
    }

    private static void saveMany(RegistryBlobRecord record, int base) {
        for (int n = base; n < base + 50; n++) {
            record.record(REGISTRY, blob(n), "mirror/p" + base);
            record.save();
        }
    }

    @Test
    void aStoreThatCannotBeWrittenIsNoError() throws IOException {
        Files.writeString(root.resolve("cache"), "a file where the folder should be");
        RegistryBlobRecord record = open();
        record.record(REGISTRY, blob(1), "mirror/app");
        record.save();
        assertEquals(Optional.empty(), open().repositoryOf(REGISTRY, blob(1)));
    }
}
