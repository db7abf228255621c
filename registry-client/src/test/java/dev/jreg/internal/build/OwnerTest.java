package dev.jreg.internal.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Owner}: numbers as they are, names from the stage's user files as BuildKit reads them. */
class OwnerTest {
    private static final Owner.Files FILES = path -> Optional.ofNullable(Map.of(
            "etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/bin/sh\n",
            "etc/group", "root:x:0:\nstaff:x:50:app\n").get(path)).map(text -> text.getBytes(StandardCharsets.UTF_8));

    @Test
    void numbersAndNames() throws IOException {
        assertEquals(new Owner(1234, 1234), Owner.of("1234", FILES), "a number alone is its group's too");
        assertEquals(new Owner(1000, 1001), Owner.of("app", FILES), "a name's group is passwd's");
        assertEquals(new Owner(1000, 50), Owner.of("app:staff", FILES));
        assertEquals(new Owner(7, 8), Owner.of("7:8", path -> {
            throw new AssertionError("numbers need no file");
        }));
        assertEquals("unable to find user nobody: no matching entries in /etc/passwd",
                assertThrows(IllegalArgumentException.class, () -> Owner.of("nobody", FILES)).getMessage());
        assertEquals("unable to find group wheel: no matching entries in /etc/group",
                assertThrows(IllegalArgumentException.class, () -> Owner.of("0:wheel", FILES)).getMessage());
        assertEquals("unable to find user app: the stage has no /etc/passwd",
                assertThrows(IllegalArgumentException.class, () -> Owner.of("app", path -> Optional.empty()))
                        .getMessage());
    }
}
