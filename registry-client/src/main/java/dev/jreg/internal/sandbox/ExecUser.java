package dev.jreg.internal.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * The user a command runs as, from a {@code USER} value, resolved as runc resolves it for docker
 * (moby's {@code sys/user} {@code GetExecUser}): a name or a number, then a group, against the
 * root filesystem's {@code /etc/passwd} and {@code /etc/group}.
 *
 * @param uid the user id
 * @param gid the primary group id
 * @param groups the supplementary group ids: the groups of {@code /etc/group} that list the user's
 *     name, when no group was given
 * @param home the home directory ({@code /} for a user {@code /etc/passwd} does not hold)
 */
record ExecUser(int uid, int gid, List<Integer> groups, String home) {
    /** What {@code /etc/passwd} fields hold: name, password, uid, gid, comment, home, shell. */
    private static final int PASSWD_FIELDS = 7;
    /** What {@code /etc/group} fields hold: name, password, gid, members. */
    private static final int GROUP_FIELDS = 4;

    ExecUser {
        groups = List.copyOf(groups);
    }

    /**
     * The user {@code spec} names in {@code root}.
     *
     * @param spec {@code ""}, {@code NAME}, {@code UID}, {@code NAME:GROUP} or {@code UID:GID};
     *     {@code ""} is root
     * @throws IllegalArgumentException with docker's message when a name is in neither file
     *     ({@code unable to find user app: no matching entries in passwd file}) or an id is out of
     *     range
     */
    static ExecUser resolve(String spec, Path root) throws IOException {
        return resolve(spec, lines(root, "/etc/passwd", PASSWD_FIELDS), lines(root, "/etc/group", GROUP_FIELDS));
    }

    /**
     * As {@link #resolve(String, Path)}, from the files' entries.
     *
     * @param passwd {@code /etc/passwd}'s entries split at {@code :}, or null when there is none
     * @param group {@code /etc/group}'s entries split at {@code :}, or null when there is none
     */
    static ExecUser resolve(String spec, List<String[]> passwd, List<String[]> group) {
        String[] parts = fields(spec, 2);
        String userArg = parts[0];
        String groupArg = parts[1];
        Integer uidArg = number(userArg);
        Integer gidArg = number(groupArg);

        int uid = 0;
        int gid = 0;
        String home = "/";
        String matchedName = null;
        String[] user = first(passwd, entry -> userArg.isEmpty() ? number(entry[2], 0) == 0
                : uidArg != null ? number(entry[2], 0) == uidArg : entry[0].equals(userArg));
        if (user != null) {
            matchedName = user[0];
            uid = number(user[2], 0);
            gid = number(user[3], 0);
            home = user[5];
        } else if (!userArg.isEmpty()) {
            if (uidArg == null) {
                throw new IllegalArgumentException("unable to find user " + userArg + ": no matching entries in passwd file");
            }
            uid = inRange(uidArg);
        }

        List<Integer> supplementary = new ArrayList<>();
        if (!groupArg.isEmpty()) {
            String[] named = first(group, entry -> gidArg != null ? number(entry[2], 0) == gidArg : entry[0].equals(groupArg));
            if (named != null) {
                gid = number(named[2], 0);
            } else if (gidArg == null) {
                throw new IllegalArgumentException("unable to find group " + groupArg + ": no matching entries in group file");
            } else {
                gid = inRange(gidArg);
            }
        } else if (matchedName != null && group != null) {
            for (String[] entry : group) {
                if (!entry[3].isEmpty() && Arrays.asList(entry[3].split(",")).contains(matchedName)) {
                    supplementary.add(number(entry[2], 0));
                }
            }
        }
        return new ExecUser(uid, gid, supplementary, home);
    }

    /** The file's non-blank lines split into {@code count} fields, or null when the file is missing. */
    private static List<String[]> lines(Path root, String file, int count) throws IOException {
        Path path = RootPath.resolve(root, file);
        if (!Files.isRegularFile(path)) {
            return null;
        }
        List<String[]> entries = new ArrayList<>();
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                entries.add(fields(line.strip(), count));
            }
        }
        return entries;
    }

    /** {@code line} split at {@code :} into exactly {@code count} fields, missing ones empty, extra ones dropped. */
    private static String[] fields(String line, int count) {
        String[] fields = new String[count];
        Arrays.fill(fields, "");
        String[] parts = line.split(":", -1);
        System.arraycopy(parts, 0, fields, 0, Math.min(count, parts.length));
        return fields;
    }

    private static String[] first(List<String[]> entries, Predicate<String[]> matches) {
        return entries == null ? null : entries.stream().filter(matches).findFirst().orElse(null);
    }

    /** The number {@code text} is, or null: Go's {@code strconv.Atoi}, which docker's lookup uses. */
    private static Integer number(String text) {
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A file's id field: a field that is no number counts as {@code otherwise}, as in docker's parser. */
    private static int number(String text, int otherwise) {
        Integer value = number(text);
        return value == null ? otherwise : value;
    }

    private static int inRange(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("uids and gids must be in range 0-2147483647");
        }
        return id;
    }
}
