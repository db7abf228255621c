package dev.jreg.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.error.ErrorCode;
import dev.jreg.error.NotFoundException;
import dev.jreg.error.RateLimitedException;
import dev.jreg.error.RegistryError;
import dev.jreg.error.RegistryException;
import dev.jreg.error.UnauthorizedException;
import dev.jreg.internal.json.Json;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import okhttp3.HttpUrl;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/** Turns an error answer into a typed exception, reading at most 64 KiB of its body. */
final class Errors {
    private static final long MAX_ERROR_BODY = 64 * 1024;
    /** Longest detail quoted in a message, in characters: the message stays one readable line. */
    static final int MAX_DETAIL = 160;

    private Errors() {
    }

    /**
     * @param response an answer with an error status; it is closed here
     * @param what what was asked for, for the message (e.g. a reference)
     */
    static RegistryException of(Response response, String what) {
        try (response) {
            List<RegistryError> errors = parse(response.body());
            int status = response.code();
            String method = response.request().method();
            // What the request itself says, for telling whether a detail adds to it: distribution
            // answers a token without the access with the access asked for (repository, name, action).
            String asked = " repository " + switch (method) {
                case "GET", "HEAD" -> "pull";
                case "DELETE" -> "delete";
                default -> "push";
            };
            String details = errors.isEmpty() ? statusText(status)
                    : errors.stream().map(e -> e + detailNote(e.detail(), what + ": " + e + asked)).distinct()
                            .collect(Collectors.joining("; "));
            String message = what + ": " + details;
            String url = redact(response.request().url());
            if (status == 404 || errors.stream().anyMatch(e -> e.code() == ErrorCode.MANIFEST_UNKNOWN
                    || e.code() == ErrorCode.BLOB_UNKNOWN || e.code() == ErrorCode.NAME_UNKNOWN)) {
                return new NotFoundException(message, status, method, url, errors);
            }
            if (status == 401 || status == 403) {
                return new UnauthorizedException(message, status, method, url, errors);
            }
            if (status == 429) {
                return new RateLimitedException(message + rateLimitHint(response), status, method, url, errors);
            }
            return new RegistryException(message, status, method, url, errors);
        }
    }

    private static List<RegistryError> parse(ResponseBody body) {
        List<RegistryError> errors = new ArrayList<>();
        try {
            BufferedSource source = body.source();
            source.request(MAX_ERROR_BODY);
            byte[] bytes = source.getBuffer().readByteArray(Math.min(MAX_ERROR_BODY, source.getBuffer().size()));
            for (JsonNode e : Json.parse(bytes).path("errors")) {
                String code = e.path("code").asText(null);
                errors.add(new RegistryError(ErrorCode.of(code), code, e.path("message").asText(""), e.get("detail")));
            }
        } catch (IOException | RuntimeException notJson) {
            // Many proxies and CDNs answer with HTML or plain text; the status says enough then.
        }
        return errors;
    }

    /**
     * {@code " (detail: …)"} when an error's detail says something its line does not: empty for
     * no detail, an empty one, or one whose every value the line (or the access the request asked
     * for) already holds — distribution's {@code {"Tag":"latest"}} beside the reference, or its
     * {@code [{"Type":"repository","Name":"app","Action":"pull"}]} answering a pull of app. The detail as compact JSON, cut to
     * {@value #MAX_DETAIL} characters, on one line with every control character escaped, since it
     * comes from the registry and goes to a terminal.
     */
    static String detailNote(JsonNode detail, String line) {
        if (detail == null || saysNothingNew(detail, line.toLowerCase(Locale.ROOT))) {
            return "";
        }
        String text = Json.write(detail);
        if (text.length() > MAX_DETAIL) {
            text = text.substring(0, MAX_DETAIL - 1) + "…";
        }
        return text.codePoints()
                .mapToObj(c -> Character.isISOControl(c) ? String.format("\\u%04x", c) : Character.toString(c))
                .collect(Collectors.joining("", " (detail: ", ")"));
    }

    /** True when every value in the detail, however deep, is null, blank or already in the line. */
    private static boolean saysNothingNew(JsonNode detail, String line) {
        if (detail.isContainerNode()) {
            return StreamSupport.stream(detail.spliterator(), false).allMatch(value -> saysNothingNew(value, line));
        }
        String value = detail.asText().trim().toLowerCase(Locale.ROOT);
        return detail.isNull() || value.isEmpty() || line.contains(value);
    }

    private static String rateLimitHint(Response response) {
        String retry = response.header("Retry-After");
        // Logging in raises the limit on Docker Hub; elsewhere it is the registry's own rule.
        boolean hub = response.request().url().host().equals(Reference.DOCKER_HUB_API);
        return " (the registry's rate limit was reached" + (retry != null ? "; it asks to retry after " + retry + " s" : "")
                + (hub ? "; log in to raise Docker Hub's limit, or use a registry mirror)" : "; use a registry mirror)");
    }

    static String statusText(int status) {
        switch (status) {
            case 400: return "bad request (HTTP 400)";
            case 401: return "authentication required (HTTP 401)";
            case 403: return "access denied (HTTP 403)";
            case 404: return "not found (HTTP 404)";
            case 405: return "operation not supported by this registry (HTTP 405)";
            case 407: return "proxy authentication failed (HTTP 407); a proxy's credentials go in its URL:"
                    + " http://USER:PASSWORD@HOST:PORT";
            case 429: return "too many requests (HTTP 429)";
            case 500: return "registry internal error (HTTP 500)";
            case 502: return "bad gateway (HTTP 502)";
            case 503: return "registry unavailable (HTTP 503)";
            case 504: return "gateway timeout (HTTP 504)";
            default: return "HTTP " + status;
        }
    }

    /** The URL without user information, query and fragment, which can carry credentials, upload state or signed tokens. */
    static String redact(HttpUrl url) {
        return url.newBuilder().username("").password("").query(null).fragment(null).build().toString();
    }
}
