package dev.jreg.internal.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.testing.TarBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TarArchives}: a tar told from its first bytes, whatever compresses it, and other files not taken for one. */
class TarArchivesTest {
    private static final byte[] TAR = new TarBuilder().dir("d").file("d/f", "content").tar();

    @TempDir
    Path dir;

    @FunctionalInterface
    private interface Compressor {
        OutputStream over(OutputStream out) throws IOException;
    }

    private static byte[] compressed(Compressor compressor) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = compressor.over(bytes)) {
            out.write(TAR);
        }
        return bytes.toByteArray();
    }

    private void assertArchive(String name, byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve(name), bytes);
        assertTrue(TarArchives.isArchive(file), name);
        try (InputStream tar = TarArchives.open(file)) {
            assertArrayEquals(TAR, tar.readAllBytes(), name);
        }
    }

    @Test
    void everyCompressionDockerKnowsReadsAsTheTar() throws IOException {
        assertArchive("plain.tar", TAR);
        assertArchive("a.tgz", TarBuilder.gzip(TAR));
        assertArchive("a.tar.bz2", compressed(BZip2CompressorOutputStream::new));
        assertArchive("a.tar.xz", compressed(XZCompressorOutputStream::new));
        assertArchive("a.tar.zst", compressed(com.github.luben.zstd.ZstdOutputStream::new));
    }

    @Test
    void otherFilesAreNoArchivesWhateverTheirNames() throws IOException {
        assertFalse(TarArchives.isArchive(Files.writeString(dir.resolve("notes.tar.gz"), "plain text, not a tar")));
        assertFalse(TarArchives.isArchive(Files.write(dir.resolve("empty.tar"), new byte[0])));
        assertFalse(TarArchives.isArchive(Files.write(dir.resolve("zeros.tar"), new byte[1024])), "an end of archive only");
        assertFalse(TarArchives.isArchive(Files.write(dir.resolve("text.tgz"), TarBuilder.gzip("x".repeat(600).getBytes()))),
                "gzip of something else");
        assertFalse(TarArchives.isArchive(Files.createDirectory(dir.resolve("a-directory.tar"))));
    }
}
