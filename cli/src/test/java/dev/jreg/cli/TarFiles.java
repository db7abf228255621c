package dev.jreg.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Small tar archives for tests: read whole into memory, edited, and written back. */
final class TarFiles {
    /**
     * One entry.
     *
     * @param header its tar header
     * @param content its bytes (empty for folders and links)
     */
    record Entry(TarArchiveEntry header, byte[] content) {
        String name() {
            return header.getName();
        }

        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }

        /** The same header with other bytes. */
        Entry withContent(byte[] bytes) {
            header.setSize(bytes.length);
            return new Entry(header, bytes);
        }
    }

    private TarFiles() {
    }

    static List<Entry> read(byte[] archive) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null;) {
                entries.add(new Entry(entry, tar.readAllBytes()));
            }
        }
        return entries;
    }

    static List<Entry> read(Path archive) throws IOException {
        return read(Files.readAllBytes(archive));
    }

    /** The content of the entry of this name; fails when there is none. */
    static Entry get(List<Entry> entries, String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + entries.stream().map(Entry::name).toList()));
    }

    static byte[] write(List<Entry> entries) throws IOException {
        return write(entries, out -> out);
    }

    /** The entries as a tar, written through {@code wrap} (a compressor). */
    static byte[] write(List<Entry> entries, IoWrap wrap) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream wrapped = wrap.apply(bytes);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(wrapped)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry entry : entries) {
                tar.putArchiveEntry(entry.header());
                tar.write(entry.content());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A stream wrapper that may throw. */
    @FunctionalInterface
    interface IoWrap {
        OutputStream apply(OutputStream out) throws IOException;
    }

    static Entry file(String name, byte[] content) {
        TarArchiveEntry header = new TarArchiveEntry(name);
        header.setSize(content.length);
        header.setModTime(0);
        return new Entry(header, content);
    }

    static Entry file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    static Entry symlink(String name, String target) {
        TarArchiveEntry header = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        header.setLinkName(target);
        header.setModTime(0);
        return new Entry(header, new byte[0]);
    }

    /** The entries as {@code edit} returns them, without those it returns null for. */
    static List<Entry> edit(List<Entry> entries, UnaryOperator<Entry> edit) {
        List<Entry> out = new ArrayList<>();
        for (Entry entry : entries) {
            Entry edited = edit.apply(entry);
            if (edited != null) {
                out.add(edited);
            }
        }
        return out;
    }

    /** The uncompressed bytes of a gzip blob. */
    static byte[] gunzip(byte[] gzip) throws IOException {
        try (InputStream in = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return in.readAllBytes();
        }
    }
}
