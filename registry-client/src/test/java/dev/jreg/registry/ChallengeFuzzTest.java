package dev.jreg.registry;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** Random {@code WWW-Authenticate} headers never break challenge parsing. */
class ChallengeFuzzTest {
    static final String ALPHABET = "Bearer Basic realm=\"service,scope:/error\\ =,\"\u00e9\t";

    @Test
    void anyHeaderParsesOrIsIgnored() {
        Random random = new Random(Long.getLong("jreg.fuzz.seed", 20261128L));
        for (int i = 0; i < 10_000; i++) {
            StringBuilder header = new StringBuilder(random.nextBoolean() ? "Bearer " : "");
            for (int n = random.nextInt(60); n > 0; n--) {
                header.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            try {
                Response response = new Response.Builder().request(new Request.Builder().url("http://127.0.0.1/v2/").build())
                        .protocol(Protocol.HTTP_1_1).code(401).message("Unauthorized")
                        .headers(new okhttp3.Headers.Builder().addUnsafeNonAscii("WWW-Authenticate", header.toString()).build())
                        .build();
                response.challenges().forEach(Challenge::of);
            } catch (RuntimeException e) {
                fail("challenge \"" + header + "\" threw " + e);
            }
        }
    }
}
