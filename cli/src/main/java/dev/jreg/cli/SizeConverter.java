package dev.jreg.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parses sizes such as {@code 5MiB}, {@code 5MB}, {@code 512k} or {@code 1048576}. */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?)b?");

    @Override
    public Long convert(String value) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("invalid size '" + value + "' (e.g. 5MiB, 16MB, 1048576)");
        }
        int power = " kmgt".indexOf(m.group(2).isEmpty() ? ' ' : m.group(2).charAt(0));
        // Bare k/M/G follow the binary meaning, as docker's --shm-size does; "MB" with a B is decimal.
        boolean binary = !m.group(3).isEmpty() || !value.toLowerCase(Locale.ROOT).endsWith("b");
        double bytes = Double.parseDouble(m.group(1)) * Math.pow(binary ? 1024 : 1000, power);
        return (long) bytes;
    }
}
