package dev.jreg.internal.build;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code created_by} of a build's history entries as BuildKit's Dockerfile frontend writes
 * them, which prints Go values: a list as {@code %v} ({@code [a b]}) or {@code %q}
 * ({@code ["a" "b"]}), a health check as {@code %+v} of its struct, durations as Go's
 * {@code time.Duration} prints itself ({@code 1m30s}).
 */
final class HistoryText {
    private static final long MICRO = 1_000;
    private static final long MILLI = 1_000_000;
    private static final long SECOND = 1_000_000_000;
    private static final int HEX_BYTE = 0xff;

    private HistoryText() {
    }

    /** Go's {@code %v} of a list of strings: {@code [a b]}. */
    static String list(List<String> words) {
        return "[" + String.join(" ", words) + "]";
    }

    /** Go's {@code %q} of a list of strings: {@code ["python" "app.py"]}. */
    static String quoted(List<String> words) {
        return words == null ? "[]" : words.stream().map(HistoryText::quote).collect(Collectors.joining(" ", "[", "]"));
    }

    /** Go's {@code strconv.Quote}: double quotes, Go's escapes for what is not printable. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case 7 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 11 -> out.append("\\v");
                default -> {
                    if (c < ' ' || c == 0x7f) {
                        out.append(String.format("\\x%02x", c & HEX_BYTE));
                    } else if (!printable(c)) {
                        out.append(c > 0xffff ? String.format("\\U%08x", c) : String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.append('"').toString();
    }

    private static boolean printable(int c) {
        int type = Character.getType(c);
        return c < 0x80 || type != Character.CONTROL && type != Character.FORMAT && type != Character.UNASSIGNED
                && type != Character.SURROGATE && type != Character.PRIVATE_USE && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR && (type != Character.SPACE_SEPARATOR || c == ' ');
    }

    /** {@code HEALTHCHECK}'s text: Go's {@code %+v} of BuildKit's health check config. */
    static String healthcheck(Instruction.Healthcheck check) {
        return "{Test:" + list(check.test()) + " Interval:" + duration(check.interval()) + " Timeout:"
                + duration(check.timeout()) + " StartPeriod:" + duration(check.startPeriod()) + " StartInterval:"
                + duration(check.startInterval()) + " Retries:" + check.retries() + "}";
    }

    /** A duration as Go prints one: {@code 0s}, {@code 1.5ms}, {@code 30s}, {@code 1m30s}, {@code 1h0m0s}. */
    static String duration(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        long u = Math.abs(nanos);
        if (u < SECOND) {
            long unit = u < MICRO ? 1 : u < MILLI ? MICRO : MILLI;
            String name = u < MICRO ? "ns" : u < MILLI ? "µs" : "ms";
            return sign + fraction(u, unit) + name;
        }
        long seconds = u / SECOND;
        String secondsText = fraction(u % (60 * SECOND), SECOND) + "s";
        if (seconds < 60) {
            return sign + secondsText;
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return sign + minutes + "m" + secondsText;
        }
        return sign + minutes / 60 + "h" + minutes % 60 + "m" + secondsText;
    }

    /** {@code value / unit}, its fraction without trailing zeros. */
    private static String fraction(long value, long unit) {
        return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
    }
}
