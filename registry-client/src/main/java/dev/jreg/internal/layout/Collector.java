package dev.jreg.internal.layout;

import dev.jreg.PruneResult;
import dev.jreg.VerifyReport;
import dev.jreg.error.DigestMismatchException;
import dev.jreg.internal.store.VerifiedCopy;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The store's collector: marks what its names reach, sweeps the rest and the leftovers of writes,
 * verifies blobs against their names and repairs by deleting the corrupt ones, under the locks its
 * caller holds (no copy into the store running, the index unchanged).
 */
final class Collector {
    private final OciLayout layout;
    private final Path ingest;

    Collector(OciLayout layout, Path ingest) {
        this.layout = layout;
        this.ingest = ingest;
    }

    /** Deletes every blob no name reaches and every file in {@code ingest/}. */
    PruneResult collect() throws IOException {
        Set<Digest> reachable = new HashSet<>();
        for (Descriptor entry : layout.names()) {
            reachable.addAll(layout.blobsOf(entry));
        }
        List<Digest> deleted = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<Path, Digest> blob : blobFiles().entrySet()) {
            if (!reachable.contains(blob.getValue())) {
                bytes += Files.size(blob.getKey());
                Files.delete(blob.getKey());
                deleted.add(blob.getValue());
            }
        }
        int temps = 0;
        if (Files.isDirectory(ingest)) { // made by the first write that needs it
            try (DirectoryStream<Path> files = Files.newDirectoryStream(ingest)) {
                for (Path file : files) {
                    bytes += Files.size(file);
                    Files.delete(file);
                    temps += file.getFileName().toString().endsWith(".lock") ? 0 : 1;
                }
            }
        }
        return new PruneResult(deleted, bytes, temps, 0, 0, 0);
    }

    /** Hashes every blob; with {@code repair}, deletes those that do not hash to their names. */
    VerifyReport verify(boolean repair) throws IOException {
        Map<Path, Digest> blobs = blobFiles();
        List<Digest> corrupt = new ArrayList<>();
        for (Map.Entry<Path, Digest> blob : blobs.entrySet()) {
            if (!intact(blob.getKey(), blob.getValue())) {
                corrupt.add(blob.getValue());
                if (repair) {
                    Files.delete(blob.getKey());
                }
            }
        }
        List<String> incomplete = layout.names().stream().filter(entry -> !complete(entry, Set.copyOf(corrupt), 0))
                .map(entry -> entry.annotations().getOrDefault(Descriptor.REF_NAME, entry.digest().toString()))
                .toList();
        return new VerifyReport(blobs.size(), corrupt, incomplete, repair);
    }

    private static boolean intact(Path file, Digest digest) throws IOException {
        Descriptor blob = Descriptor.of(MediaType.of("application/octet-stream"), digest, Files.size(file));
        try (InputStream in = VerifiedCopy.hashed(Files.newInputStream(file), blob, null, null)) {
            in.transferTo(OutputStream.nullOutputStream());
            return true;
        } catch (DigestMismatchException e) {
            return false;
        }
    }

    /** True when the descriptor's blob and everything it references are present, intact and of the right size. */
    boolean complete(Descriptor descriptor, Set<Digest> corrupt, int depth) {
        if (corrupt.contains(descriptor.digest()) || !layout.hasBlob(descriptor) || depth > OciLayout.MAX_DEPTH) {
            return false;
        }
        try {
            return layout.children(descriptor).stream().allMatch(child -> complete(child, corrupt, depth + 1));
        } catch (IOException unreadable) {
            return false;
        }
    }

    /** Every file under {@code blobs/ALG/} named like a digest, with its digest; other files are left alone. */
    private Map<Path, Digest> blobFiles() throws IOException {
        Map<Path, Digest> blobs = new LinkedHashMap<>();
        Path dir = layout.root().resolve("blobs");
        if (!Files.isDirectory(dir)) {
            return blobs; // made with the first blob stored
        }
        try (Stream<Path> files = Files.walk(dir, 2)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                try {
                    blobs.put(file, new Digest(file.getParent().getFileName().toString(), file.getFileName().toString()));
                } catch (IllegalArgumentException notABlob) {
                    // a directory, or a file of another tool
                }
            }
        }
        return blobs;
    }
}
