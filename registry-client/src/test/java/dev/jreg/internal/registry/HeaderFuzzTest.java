package dev.jreg.internal.registry;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Random {@code WWW-Authenticate} and {@code Link} headers never break their parsers. */
class HeaderFuzzTest {
    static final String CHALLENGE_ALPHABET = "Bearer Basic realm=\"service,scope:/error\\ =,\"\u00e9\t";
    static final String LINK_ALPHABET = "<>/v2?n=&last;rel=\"next\", \\\t\u00e9";

    /** Feeds random headers to a parser, which may throw only {@code allowed} (null: nothing). */
    static void fuzz(String start, String alphabet, Consumer<String> parser, Class<? extends RuntimeException> allowed) {
        Random random = new Random(Long.getLong("jreg.fuzz.seed", 20261128L));
        for (int i = 0; i < Integer.getInteger("jreg.fuzz.runs", 10_000); i++) {
            StringBuilder header = new StringBuilder(random.nextBoolean() ? start : "");
            for (int n = random.nextInt(60); n > 0; n--) {
                header.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                parser.accept(header.toString());
            } catch (RuntimeException e) {
                if (allowed == null || !allowed.isInstance(e)) {
                    fail("header \"" + header + "\" threw " + e);
                }
            }
        }
    }

    @Test
    void anyChallengeParsesOrIsIgnored() {
        fuzz("Bearer ", CHALLENGE_ALPHABET, header -> Challenge.parse(List.of(header)), null);
    }

    /** A Link header is read or refused as unreadable (what the caller reports), never anything else. */
    @Test
    void anyLinkParsesOrIsRefused() {
        fuzz("</v2/a/tags/list?last=b>", LINK_ALPHABET, LinkHeader::parse, IllegalArgumentException.class);
    }
}
