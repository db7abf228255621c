package dev.jreg.internal.layer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.json.Json;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * What an unpack wrote, kept so that a later diff of the directory tells edits from what an
 * unprivileged unpack could not reproduce (owners, device nodes), as umoci keeps an mtree beside
 * its bundle: for each path, the entry as the image's layers describe it and the file's stamp on
 * disk right after unpacking.
 *
 * <p>Stored by {@link #write} as gzip'd JSON lines: first {@code {"version":1,"items":N}}, then
 * one object per item in path order: {@code path}, {@code type} ({@code file}, {@code directory},
 * {@code symlink}, {@code hardlink}, {@code char_device}, {@code block_device}, {@code fifo}),
 * {@code mode}, {@code uid}, {@code gid}, {@code mtime} (seconds since the epoch) and, when not
 * zero or empty, {@code nanos}, {@code size}, {@code link}, {@code xattrs} (an object),
 * {@code dev} ({@code [major, minor]}), and {@code stamp} ({@code [inode, size, mtime ns, ctime
 * ns]}, absent for an item without one).
 *
 * @param items by path ({@link LayerEntry#path()} form), in path order
 */
public record UnpackRecord(SortedMap<String, Item> items) {
    /** The format {@link #write} writes and {@link #read} reads. */
    static final int VERSION = 1;

    public UnpackRecord {
        items = new TreeMap<>(Objects.requireNonNull(items, "items"));
    }

    /**
     * One path of the unpacked filesystem.
     *
     * @param entry the path as the image's filesystem has it (owner, mode, mtime, link target)
     * @param stamp the path's stamp right after unpacking; null where nothing was written for it
     *     (a device node an unprivileged unpack skipped)
     */
    public record Item(LayerEntry entry, FileStamp stamp) {
    }

    /**
     * This record once the changes a {@link FilesystemDiff} found in {@code root} against it are
     * taken in, so that the next diff starts from them: each path of the changes with the entry
     * they give it and its stamp now; a path whited out gone, with what was under it; what was
     * under a path that is no longer a directory gone too.
     *
     * @param changes what {@link FilesystemDiff#changes} gave for {@code root} and this record:
     *     whiteouts, never opaque ones
     * @throws IOException when a changed path cannot be read
     */
    public UnpackRecord withChanges(Path root, Collection<SourcedEntry> changes) throws IOException {
        TreeMap<String, Item> after = new TreeMap<>(items);
        for (SourcedEntry change : changes) {
            LayerEntry entry = change.entry();
            String path = entry.path();
            if (entry.name().startsWith(LayerEntry.WHITEOUT_PREFIX)) {
                String gone = ChangesetRules.join(ChangesetRules.parentOf(path),
                        entry.name().substring(LayerEntry.WHITEOUT_PREFIX.length()));
                after.remove(gone);
                ChangesetRules.under(after.navigableKeySet(), gone).clear();
                continue;
            }
            if (entry.type() != LayerEntry.Type.DIRECTORY) {
                ChangesetRules.under(after.navigableKeySet(), path).clear();
            }
            after.put(path, new Item(entry, ClosedDirectories.reach(root.resolve(path), FileStamp::of)));
        }
        return new UnpackRecord(after);
    }

    /**
     * Writes the record, gzip'd, to {@code out}, which is left open.
     *
     * @throws IOException when {@code out} fails
     */
    public void write(OutputStream out) throws IOException {
        GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024);
        ObjectNode header = Json.object();
        header.put("version", VERSION);
        header.put("items", items.size());
        line(gzip, header);
        for (Item item : items.values()) {
            line(gzip, json(item));
        }
        gzip.finish();
        gzip.flush();
    }

    private static void line(OutputStream out, JsonNode value) throws IOException {
        out.write(Json.bytes(value));
        out.write('\n');
    }

    private static ObjectNode json(Item item) {
        LayerEntry entry = item.entry();
        ObjectNode line = Json.object();
        line.put("path", entry.path());
        line.put("type", entry.type().name().toLowerCase(Locale.ROOT));
        line.put("mode", entry.mode());
        line.put("uid", entry.uid());
        line.put("gid", entry.gid());
        line.put("mtime", entry.mtime().getEpochSecond());
        if (entry.mtime().getNano() != 0) {
            line.put("nanos", entry.mtime().getNano());
        }
        if (entry.size() != 0) {
            line.put("size", entry.size());
        }
        if (!entry.linkName().isEmpty()) {
            line.put("link", entry.linkName());
        }
        if (!entry.xattrs().isEmpty()) {
            ObjectNode xattrs = line.putObject("xattrs");
            new TreeMap<>(entry.xattrs()).forEach(xattrs::put);
        }
        if (entry.devMajor() != 0 || entry.devMinor() != 0) {
            line.putArray("dev").add(entry.devMajor()).add(entry.devMinor());
        }
        FileStamp stamp = item.stamp();
        if (stamp != null) {
            line.putArray("stamp").add(stamp.inode()).add(stamp.size()).add(stamp.mtimeNanos()).add(stamp.ctimeNanos());
        }
        return line;
    }

    /**
     * Reads a record {@link #write} wrote, to its end.
     *
     * @throws InvalidContentException when the bytes are not a whole record of a version this
     *     reads (truncated, altered, or of another format): one line saying so
     * @throws IOException when {@code in} fails
     */
    public static UnpackRecord read(InputStream in) throws IOException {
        BufferedReader lines;
        try {
            lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(in, 64 * 1024),
                    StandardCharsets.UTF_8.newDecoder()));
        } catch (IOException e) {
            throw damaged("not a gzip'd record (" + e.getMessage() + ")");
        }
        TreeMap<String, Item> items = new TreeMap<>();
        long expected = -1;
        int number = 0;
        try {
            for (String text = lines.readLine(); text != null; text = lines.readLine()) {
                number++;
                JsonNode line = parse(text, number);
                if (number == 1) {
                    expected = header(line);
                } else {
                    Item item = item(line, number);
                    items.put(item.entry().path(), item);
                }
            }
        } catch (InvalidContentException e) {
            throw e;
        } catch (EOFException e) {
            throw damaged("it is cut short");
        } catch (IOException e) {
            throw damaged(e.getMessage());
        }
        if (number == 0) {
            throw damaged("it is empty");
        }
        if (items.size() != expected || number - 1 != expected) {
            throw damaged("it holds " + (number - 1) + " items where its first line says " + expected);
        }
        return new UnpackRecord(items);
    }

    /** The first line: the version, checked, and how many items follow. */
    private static long header(JsonNode line) throws InvalidContentException {
        long version = integer(line, "version", 1);
        if (version != VERSION) {
            throw new InvalidContentException("the unpack record has version " + version + ", which this jreg does"
                    + " not read (it reads version " + VERSION + "); unpack the image again");
        }
        return integer(line, "items", 1);
    }

    private static Item item(JsonNode line, int number) throws InvalidContentException {
        String type = text(line, "type", number);
        LayerEntry.Type entryType;
        try {
            entryType = LayerEntry.Type.valueOf(type.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw damaged("line " + number + ": unknown type \"" + Names.quote(type) + "\"");
        }
        Map<String, String> xattrs = new TreeMap<>();
        JsonNode xattrNode = optional(line, "xattrs", JsonNode::isObject, number);
        if (xattrNode != null) {
            for (Map.Entry<String, JsonNode> xattr : xattrNode.properties()) {
                if (!xattr.getValue().isTextual()) {
                    throw damaged("line " + number + ": xattr \"" + Names.quote(xattr.getKey()) + "\" is not a string");
                }
                xattrs.put(xattr.getKey(), xattr.getValue().textValue());
            }
        }
        long[] dev = longs(line, "dev", 2, number);
        long[] stamp = longs(line, "stamp", 4, number);
        JsonNode link = optional(line, "link", JsonNode::isTextual, number);
        JsonNode nanos = optional(line, "nanos", JsonNode::canConvertToInt, number);
        JsonNode size = optional(line, "size", JsonNode::canConvertToLong, number);
        LayerEntry entry = new LayerEntry(text(line, "path", number), entryType, (int) integer(line, "mode", number),
                integer(line, "uid", number), integer(line, "gid", number),
                Instant.ofEpochSecond(integer(line, "mtime", number), nanos == null ? 0 : nanos.intValue()),
                size == null ? 0 : size.longValue(), link == null ? "" : link.textValue(), xattrs,
                dev == null ? 0 : (int) dev[0], dev == null ? 0 : (int) dev[1]);
        return new Item(entry, stamp == null ? null : new FileStamp(stamp[0], stamp[1], stamp[2], stamp[3]));
    }

    private static JsonNode parse(String text, int number) throws InvalidContentException {
        JsonNode line;
        try {
            line = Json.parse(text);
        } catch (IOException e) {
            throw damaged("line " + number + " is not JSON");
        }
        if (!line.isObject()) {
            throw damaged("line " + number + " is not a JSON object");
        }
        return line;
    }

    private static JsonNode optional(JsonNode line, String field, Predicate<JsonNode> valid, int number)
            throws InvalidContentException {
        JsonNode value = line.get(field);
        if (value != null && !(valid.test(value) && (!value.isNumber() || value.isIntegralNumber()))) {
            throw damaged("line " + number + ": \"" + field + "\" has the wrong type");
        }
        return value;
    }

    private static JsonNode required(JsonNode line, String field, Predicate<JsonNode> valid, int number)
            throws InvalidContentException {
        JsonNode value = optional(line, field, valid, number);
        if (value == null) {
            throw damaged("line " + number + " lacks \"" + field + "\"");
        }
        return value;
    }

    private static String text(JsonNode line, String field, int number) throws InvalidContentException {
        return required(line, field, JsonNode::isTextual, number).textValue();
    }

    private static long integer(JsonNode line, String field, int number) throws InvalidContentException {
        return required(line, field, JsonNode::canConvertToLong, number).longValue();
    }

    private static long[] longs(JsonNode line, String field, int count, int number) throws InvalidContentException {
        JsonNode array = optional(line, field, JsonNode::isArray, number);
        if (array == null) {
            return null;
        }
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
            JsonNode value = array.get(i);
            if (array.size() != count || value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
                throw damaged("line " + number + ": \"" + field + "\" is not " + count + " integers");
            }
            values[i] = value.longValue();
        }
        return values;
    }

    private static InvalidContentException damaged(String why) {
        return new InvalidContentException("the unpack record is damaged: " + why + "; unpack the image again");
    }
}
