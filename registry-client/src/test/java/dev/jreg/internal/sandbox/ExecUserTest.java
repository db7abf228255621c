package dev.jreg.internal.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A {@code USER} value resolved as moby's {@code GetExecUser} resolves it, file entries given. */
class ExecUserTest {
    private static final List<String[]> PASSWD = List.of(entry("root:x:0:0:root:/root:/bin/sh"),
            entry("app:x:1000:1000:app:/home/app:/bin/sh"), entry("app:x:1100:1100:second app:/other:/bin/sh"),
            entry("odd:x:notanumber:7::/odd:"), entry("short:x:1200"));
    private static final List<String[]> GROUP = List.of(entry("root:x:0:"), entry("wheel:x:10:root,app"),
            entry("staff:x:50:app"), entry("app:x:1000:"), entry("docker:x:999:other"));

    private static String[] entry(String line) {
        String[] fields = new String[] {"", "", "", "", "", "", ""};
        String[] parts = line.split(":", -1);
        System.arraycopy(parts, 0, fields, 0, parts.length);
        return fields;
    }

    @Test
    void namesNumbersAndGroupsResolveAsDockerResolvesThem() {
        assertEquals(new ExecUser(0, 0, List.of(10), "/root"), ExecUser.resolve("", PASSWD, GROUP), "empty is root");
        assertEquals(new ExecUser(0, 0, List.of(10), "/root"), ExecUser.resolve("root", PASSWD, GROUP));
        assertEquals(new ExecUser(1000, 1000, List.of(10, 50), "/home/app"), ExecUser.resolve("app", PASSWD, GROUP),
                "the first entry of a name wins; its groups are those listing it");
        assertEquals(new ExecUser(1100, 1100, List.of(10, 50), "/other"), ExecUser.resolve("1100", PASSWD, GROUP),
                "a number is a uid, its entry's name gives the groups");
        assertEquals(new ExecUser(4242, 0, List.of(), "/"), ExecUser.resolve("4242", PASSWD, GROUP),
                "a uid without an entry: gid 0, home /");
        assertEquals(new ExecUser(1000, 50, List.of(), "/home/app"), ExecUser.resolve("app:staff", PASSWD, GROUP),
                "an explicit group, and no supplementary ones");
        assertEquals(new ExecUser(1000, 777, List.of(), "/home/app"), ExecUser.resolve("app:777", PASSWD, GROUP));
        assertEquals(new ExecUser(12, 34, List.of(), "/"), ExecUser.resolve("12:34", PASSWD, GROUP));
        assertEquals(new ExecUser(1200, 0, List.of(), ""), ExecUser.resolve("short", PASSWD, GROUP),
                "missing fields are empty");
        assertEquals(new ExecUser(0, 7, List.of(), "/odd"), ExecUser.resolve("odd", PASSWD, GROUP),
                "a field that is no number counts as 0, as docker's parser has it");
    }

    @Test
    void withoutTheFilesOnlyNumbersAndRootResolve() {
        assertEquals(new ExecUser(0, 0, List.of(), "/"), ExecUser.resolve("", null, null));
        assertEquals(new ExecUser(5, 6, List.of(), "/"), ExecUser.resolve("5:6", null, null));
        IllegalArgumentException root = assertThrows(IllegalArgumentException.class,
                () -> ExecUser.resolve("root", null, null));
        assertEquals("unable to find user root: no matching entries in passwd file", root.getMessage());
        IllegalArgumentException group = assertThrows(IllegalArgumentException.class,
                () -> ExecUser.resolve("5:staff", null, null));
        assertEquals("unable to find group staff: no matching entries in group file", group.getMessage());
    }

    @Test
    void negativeIdsAreRefused() {
        IllegalArgumentException uid = assertThrows(IllegalArgumentException.class,
                () -> ExecUser.resolve("-1", PASSWD, GROUP));
        assertEquals("uids and gids must be in range 0-2147483647", uid.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExecUser.resolve("app:-5", PASSWD, GROUP));
    }
}
