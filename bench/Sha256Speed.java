import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The JDK's SHA-256 speed on one core, as jreg uses it: hashes every file in a directory after a
 * warm-up that lets the JIT reach the CPU's SHA instructions. Prints MB/s.
 * Run: java bench/Sha256Speed.java DIR
 */
public class Sha256Speed {
    public static void main(String[] args) throws Exception {
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of(args[0]))) {
            files = listing.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        byte[] buffer = new byte[256 * 1024];
        MessageDigest warmUp = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 20_000; i++) {
            warmUp.update(buffer, 0, 1024);
        }
        for (Path file : files) {   // read once untimed, so the timed pass hashes from memory
            hash(file, buffer);
        }
        long bytes = 0;
        long start = System.nanoTime();
        for (Path file : files) {
            bytes += hash(file, buffer);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%.0f%n", bytes / seconds / 1e6);
    }

    private static long hash(Path file, byte[] buffer) throws IOException, java.security.GeneralSecurityException {
        MessageDigest hasher = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) != -1; total += n) {
                hasher.update(buffer, 0, n);
            }
        }
        hasher.digest();
        return total;
    }
}
