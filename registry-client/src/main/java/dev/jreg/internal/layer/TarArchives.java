package dev.jreg.internal.layer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Tar archives as {@code ADD} finds them in a build context (Dockerfile reference, "ADD":
 * "Adding local tar archives"): plain, or compressed with gzip, bzip2, xz or zstd, the
 * compression told from the first bytes as docker's {@code archive.DetectCompression} tells it,
 * and a tar only when its first header record is one (its checksum right), as Go's
 * {@code tar.Reader} reads it. Anything else is an ordinary file, which {@code ADD} copies as it is.
 */
public final class TarArchives {
    private static final int RECORD = 512;
    private static final int BUFFER = 64 * 1024;

    private TarArchives() {
    }

    /**
     * Whether a file is a tar archive, compressed or not; a symbolic link, a directory or a file
     * that is not one (or is damaged where its first record should be) is not.
     *
     * @throws IOException when the file cannot be read
     */
    public static boolean isArchive(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (InputStream tar = open(file)) {
            byte[] header = tar.readNBytes(RECORD);
            return header.length == RECORD && TarUtils.verifyCheckSum(header);
        } catch (IllegalArgumentException notOctal) {
            return false; // the checksum field holds something else than a number
        } catch (IOException damaged) {
            // A stream whose compression header reads but whose data does not is no archive to unpack.
            return false;
        }
    }

    /**
     * The tar stream of an archive: the file's bytes uncompressed as their first bytes tell.
     *
     * @throws IOException when the file cannot be read or its compression header is damaged
     */
    public static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
        try {
            return open(in);
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    /**
     * The tar stream of an archive read from a stream (what {@code load} reads): its bytes
     * uncompressed as their first bytes tell.
     *
     * @throws IOException when the stream cannot be read or its compression header is damaged
     */
    public static InputStream open(InputStream archive) throws IOException {
        BufferedInputStream in = new BufferedInputStream(archive, BUFFER);
        in.mark(6);
        byte[] magic = in.readNBytes(6);
        in.reset();
        if (starts(magic, 'B', 'Z', 'h')) {
            return new BZip2CompressorInputStream(in, true);
        }
        if (starts(magic, 0xfd, '7', 'z', 'X', 'Z', 0x00)) {
            return new XZCompressorInputStream(in, true);
        }
        return LayerReader.uncompressed(in); // gzip, zstd or plain, as a layer's
    }

    private static boolean starts(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
