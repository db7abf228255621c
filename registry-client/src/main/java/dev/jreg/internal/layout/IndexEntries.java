package dev.jreg.internal.layout;

import dev.jreg.error.ImageNotFoundException;
import dev.jreg.error.InvalidReferenceException;
import dev.jreg.model.Descriptor;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The entries of a layout's {@code index.json}, in order, and the three ways an {@code oci:}
 * location picks one, as skopeo's {@code oci:} transport does: by the
 * {@value Descriptor#REF_NAME} annotation (the first entry of that name), by position
 * ({@code @N}, from 0), or the only entry. Entries are taken as they are, with or without a name.
 *
 * @param layout the layout's directory, for messages
 * @param entries the entries of {@code index.json}
 */
public record IndexEntries(Path layout, List<Descriptor> entries) {
    /** Names listed in a message before the rest are only counted. */
    private static final int LISTED = 20;

    /** Copies the list. */
    public IndexEntries {
        entries = List.copyOf(entries);
    }

    /** The entries of a layout's {@code index.json}. */
    public static IndexEntries of(OciLayout layout) throws java.io.IOException {
        return new IndexEntries(layout.root(), layout.names());
    }

    /**
     * The first entry with this name.
     *
     * @throws ImageNotFoundException when none has it: {@code no image named "x" in layout /l; it has: a:1, @1}
     */
    public Descriptor named(String name) throws ImageNotFoundException {
        return entries.stream().filter(entry -> name.equals(entry.annotations().get(Descriptor.REF_NAME))).findFirst()
                .orElseThrow(() -> notFound("no image named \"" + name + "\" in layout " + layout + "; it has"
                        + (entries.isEmpty() ? " none" : ": " + listing()), name));
    }

    /**
     * The entry at this position, from 0.
     *
     * @throws ImageNotFoundException when there are not that many: {@code no image @5 in layout /l; it has 2 (@0 to @1): a:1, @1}
     */
    public Descriptor at(int index) throws ImageNotFoundException {
        if (index < entries.size()) {
            return entries.get(index);
        }
        throw notFound("no image @" + index + " in layout " + layout + "; it has "
                + (entries.isEmpty() ? "none" : entries.size() + " (@0 to @" + (entries.size() - 1) + "): " + listing()),
                "@" + index);
    }

    /**
     * The only entry.
     *
     * @throws ImageNotFoundException when the layout has none
     * @throws InvalidReferenceException when it has several, which are listed: the location must name one
     */
    public Descriptor only() throws ImageNotFoundException {
        if (entries.size() == 1) {
            return entries.get(0);
        }
        if (entries.isEmpty()) {
            throw notFound("layout " + layout + " has no image", "");
        }
        throw new InvalidReferenceException("layout " + layout + " has " + entries.size()
                + " images; name one as oci:" + layout + ":NAME or oci:" + layout + ":@N: " + listing());
    }

    /** Each entry by its name, or {@code @N} for one without a name; past {@value #LISTED}, a count of the rest. */
    private String listing() {
        return IntStream.range(0, Math.min(entries.size(), LISTED))
                .mapToObj(i -> entries.get(i).annotations().getOrDefault(Descriptor.REF_NAME, "@" + i))
                .collect(Collectors.joining(", "))
                + (entries.size() > LISTED ? " and " + (entries.size() - LISTED) + " more" : "");
    }

    private ImageNotFoundException notFound(String message, String name) {
        return new ImageNotFoundException(message, name, entries.stream()
                .map(entry -> entry.annotations().get(Descriptor.REF_NAME)).filter(Objects::nonNull).toList());
    }
}
