package dev.jreg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jreg.error.InvalidContentException;
import dev.jreg.error.InvalidReferenceException;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bounded, seeded fuzzing of the parsers that read untrusted text: each may only fail with its
 * own documented exception. Inputs that once broke a parser are kept below as regressions.
 */
class FuzzTest {
    static final long SEED = Long.getLong("jreg.fuzz.seed", 20261128L);
    static final int RUNS = Integer.getInteger("jreg.fuzz.runs", 20_000);
    static final String ALPHABET = "abcxyzABCXYZ0189._-:/@+ \t\n%[]?#*\u00e9\u0000\u202e";

    static String randomText(Random random, int maxLength) {
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(maxLength);
        for (int i = 0; i < length; i++) {
            s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }

    @Test
    void referencesFailOnlyAsInvalidReferencesAndRoundTrip() {
        Random random = new Random(SEED);
        List<String> seeds = List.of("nginx", "localhost:5000/a/b:c", "ghcr.io/o/r@sha256:" + "a".repeat(64), "[::1]:5000/x",
                "docker.io/library/a/b:c");
        for (int i = 0; i < RUNS; i++) {
            String input = random.nextBoolean() ? randomText(random, 80) : mutate(random, seeds.get(random.nextInt(seeds.size())));
            try {
                Reference parsed = Reference.parse(input);
                assertEquals(parsed, Reference.parse(parsed.toString()), () -> "round trip of \"" + input + "\"");
                assertEquals(parsed, Reference.parse(parsed.familiar()), () -> "familiar round trip of \"" + input + "\"");
            } catch (InvalidReferenceException expected) {
                // The only way to fail.
            } catch (RuntimeException e) {
                fail("Reference.parse(\"" + input + "\") threw " + e + " (seed " + SEED + ", run " + i + ")");
            }
        }
    }

    @Test
    void manifestsFailOnlyAsInvalidContent() throws Exception {
        Random random = new Random(SEED);
        List<byte[]> seeds = List.of(Files.readAllBytes(Path.of("..", "testdata", "manifests", "docker-v2.json")),
                Files.readAllBytes(Path.of("..", "testdata", "manifests", "oci-index.json")));
        for (int i = 0; i < RUNS / 4; i++) {
            byte[] input = mutate(random, seeds.get(random.nextInt(seeds.size())).clone());
            try {
                ManifestBlob.of(input, random.nextBoolean() ? null : "application/vnd.oci.image.index.v1+json");
            } catch (InvalidContentException expected) {
                // The only way to fail.
            } catch (RuntimeException e) {
                fail("ManifestBlob.of threw " + e + " for " + new String(input, StandardCharsets.UTF_8)
                        + " (seed " + SEED + ", run " + i + ")");
            }
        }
    }

    /** Inputs kept from fuzzing runs (and hand-made relatives) that must keep failing cleanly. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"schemaVersion\":2,\"manifests\":[null]}", "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"\"}}",
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a/b\",\"digest\":\"sha256:"
                + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"size\":1,\"platform\":\"linux\"}]}",
        "{\"schemaVersion\":\"2\",\"config\":[]}",
        "{\"schemaVersion\":2,\"layers\":{},\"config\":{}}"})
    void keptRegressions(String input) {
        org.junit.jupiter.api.Assertions.assertThrows(InvalidContentException.class,
                () -> ManifestBlob.of(input.getBytes(StandardCharsets.UTF_8), null));
    }

    static String mutate(Random random, String seed) {
        StringBuilder s = new StringBuilder(seed);
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
            int at = s.length() == 0 ? 0 : random.nextInt(s.length());
            switch (random.nextInt(3)) {
                case 0 -> s.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                case 1 -> {
                    if (s.length() > 0) {
                        s.deleteCharAt(at);
                    }
                }
                default -> {
                    if (s.length() > 0) {
                        s.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    }
                }
            }
        }
        return s.toString();
    }

    static byte[] mutate(Random random, byte[] seed) {
        byte[] bytes = seed;
        for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(3)) {
                case 0 -> bytes[at] = (byte) "{}[]\":,0a-".charAt(random.nextInt(10));
                case 1 -> bytes = java.util.Arrays.copyOf(bytes, Math.max(1, at));
                default -> bytes[at] ^= (byte) (1 << random.nextInt(8));
            }
        }
        return bytes;
    }
}
