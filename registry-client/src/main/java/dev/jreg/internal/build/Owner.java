package dev.jreg.internal.build;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A numeric owner of the files a step writes: {@code COPY --chown}'s, or the {@code USER}'s that
 * {@code WORKDIR} makes its directory for. Names are looked up in the stage's {@code /etc/passwd}
 * and {@code /etc/group} as BuildKit looks them up: a user named without a group takes the
 * group {@code /etc/passwd} gives it, a number without a group the same number as its group.
 *
 * @param uid the user's number
 * @param gid the group's number
 */
record Owner(long uid, long gid) {
    /** The owner of what a step writes unless told otherwise. */
    static final Owner ROOT = new Owner(0, 0);
    private static final long MAX_ID = 0xffffffffL;

    /** A stage's user files, read when a name needs them. */
    interface Files {
        /** The bytes of {@code etc/passwd} or {@code etc/group} in the stage, or empty when it has none. */
        Optional<byte[]> read(String path) throws java.io.IOException;
    }

    /**
     * The owner {@code USER[:GROUP]} names.
     *
     * @param spec a user and an optional group, each a number or a name
     * @throws IllegalArgumentException for a name the stage's files do not hold, or an empty part
     * @throws java.io.IOException when the stage's files cannot be read
     */
    static Owner of(String spec, Files files) throws java.io.IOException {
        int colon = spec.indexOf(':');
        String user = colon < 0 ? spec : spec.substring(0, colon);
        String group = colon < 0 ? null : spec.substring(colon + 1);
        long uid;
        long gid;
        Long number = number(user);
        if (number != null) {
            uid = number;
            gid = number;
        } else {
            String[] entry = find(files, "etc/passwd", user, "user");
            uid = id(entry, 2, "etc/passwd");
            gid = id(entry, 3, "etc/passwd");
        }
        if (group != null) {
            Long groupNumber = number(group);
            gid = groupNumber != null ? groupNumber : id(find(files, "etc/group", group, "group"), 2, "etc/group");
        }
        return new Owner(uid, gid);
    }

    /** A number of 0 to 2³²−1, or null for a name. */
    private static Long number(String text) {
        if (!text.matches("[0-9]{1,10}")) {
            return null;
        }
        long value = Long.parseLong(text);
        return value <= MAX_ID ? value : null;
    }

    /** The fields of the line of {@code file} whose first field is {@code name}. */
    private static String[] find(Files files, String file, String name, String what) throws java.io.IOException {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an empty " + what + " name");
        }
        Optional<byte[]> bytes = files.read(file);
        if (bytes.isEmpty()) {
            throw new IllegalArgumentException("unable to find " + what + " " + name + ": the stage has no /" + file);
        }
        for (String line : new String(bytes.get(), StandardCharsets.UTF_8).split("\n")) {
            String[] fields = line.split(":", -1);
            if (fields.length > 3 && fields[0].equals(name)) {
                return fields;
            }
        }
        throw new IllegalArgumentException("unable to find " + what + " " + name + ": no matching entries in /" + file);
    }

    private static long id(String[] fields, int index, String file) {
        Long id = number(fields[index]);
        if (id == null) {
            throw new IllegalArgumentException("/" + file + " gives " + fields[0] + " \"" + fields[index]
                    + "\", not a number");
        }
        return id;
    }
}
