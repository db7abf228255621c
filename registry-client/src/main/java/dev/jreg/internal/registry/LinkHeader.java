package dev.jreg.internal.registry;

import dev.jreg.error.InvalidContentException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import okhttp3.Response;

/**
 * {@code Link} headers (RFC 8288 §3), as registries page tag lists and catalogs with them: links
 * separated by commas, in one header or several; parameters in any order and case, quoted or
 * not, with spaces around {@code ;} and {@code =}; targets relative or absolute.
 */
final class LinkHeader {
    /**
     * One link.
     *
     * @param target the URI reference between {@code <} and {@code >}, unresolved
     * @param params parameters by lower-case name; the first of a name counts (RFC 8288 §3.3)
     */
    record Link(String target, Map<String, String> params) {
        /** True when {@code rel}, a space-separated list of relation types, holds {@code next}. */
        boolean isNext() {
            return Stream.of(params.getOrDefault("rel", "").trim().split("\\s+")).anyMatch("next"::equalsIgnoreCase);
        }
    }

    private LinkHeader() {
    }

    /**
     * The target of the first {@code rel="next"} link of a response, resolved against its URL.
     *
     * @param what what is being listed, for the message ({@code tags of registry/repo})
     * @return the next page, or null when no link is {@code next}
     * @throws InvalidContentException when a {@code Link} header cannot be read or its next
     *     target is not an HTTP URL: a list must not end early without a word
     */
    static HttpUrl next(Response response, String what) throws InvalidContentException {
        for (String header : response.headers("Link")) {
            Optional<Link> link;
            try {
                link = parse(header).stream().filter(Link::isNext).findFirst();
            } catch (IllegalArgumentException e) {
                throw new InvalidContentException(what + ": the registry's Link header cannot be read (" + e.getMessage()
                        + "), so the list may go on past this page");
            }
            if (link.isPresent()) {
                HttpUrl page = response.request().url();
                HttpUrl next = page.resolve(link.get().target().trim());
                if (next == null) {
                    throw new InvalidContentException(what + ": the registry's next-page link is not an HTTP URL");
                }
                // The credentials and token of this registry go with the next request: it
                // stays on the registry's own origin.
                if (!next.scheme().equals(page.scheme()) || !next.host().equals(page.host())
                        || next.port() != page.port()) {
                    throw new InvalidContentException(what + ": the registry's next-page link leads to another origin ("
                            + Errors.redact(next) + ")");
                }
                return next.newBuilder().fragment(null).build();
            }
        }
        return null;
    }

    /**
     * The links of one header value.
     *
     * @throws IllegalArgumentException where it is not a list of {@code <target>; params}, saying
     *     at which character
     */
    static List<Link> parse(String header) {
        HeaderReader reader = new HeaderReader(header);
        List<Link> links = new ArrayList<>();
        while (true) {
            // Empty list elements are allowed (RFC 9110 §5.6.1).
            reader.skipSpace();
            while (reader.take(',')) {
                reader.skipSpace();
            }
            if (reader.atEnd()) {
                return links;
            }
            if (!reader.take('<')) {
                throw unexpected(reader, "'<'");
            }
            String target = reader.until('>');
            if (target == null) {
                throw unexpected(reader, "'>'");
            }
            Map<String, String> params = new HashMap<>();
            reader.skipSpace();
            while (reader.take(';')) {
                reader.skipSpace();
                String name = reader.token().toLowerCase(Locale.ROOT);
                reader.skipSpace();
                if (reader.take('=')) {
                    if (name.isEmpty()) {
                        throw unexpected(reader, "a parameter name");
                    }
                    reader.skipSpace();
                    params.putIfAbsent(name, reader.value(";,"));
                } else if (!name.isEmpty()) {
                    params.putIfAbsent(name, "");
                }
                reader.skipSpace();
            }
            if (!reader.atEnd() && !reader.take(',')) {
                throw unexpected(reader, "';' or ','");
            }
            links.add(new Link(target, params));
        }
    }

    private static IllegalArgumentException unexpected(HeaderReader reader, String expected) {
        return new IllegalArgumentException(expected + " expected at character " + (reader.position() + 1));
    }
}
