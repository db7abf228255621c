package dev.jreg.internal.build;

import dev.jreg.error.DockerfileException;
import dev.jreg.internal.layer.LayerReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a {@code .dockerignore} file leaves out of the build context, by Docker's rules (Build
 * context, ".dockerignore files"; as Docker's client applies them, through moby's
 * {@code patternmatcher} and the context walk of {@code fsutil}).
 *
 * <p>A line starting with {@code #} is a comment; other lines are trimmed, and empty ones
 * skipped. A pattern is cleaned as Go's {@code filepath.Clean} cleans it, then a leading
 * {@code /} dropped; {@code !} before it makes it an exception. Patterns match paths relative to
 * the context's root with Go's {@code filepath.Match} rules ({@code *} and {@code ?} within one
 * path element, {@code [a-z]} classes, {@code \} escapes) and {@code **}, any number of
 * directories, none included. A pattern that matches a directory matches everything in it; the
 * last pattern that matches a path decides. A directory that is left out may hold paths an
 * exception brings back: the walker asks {@link #mayReincludeUnder} before it skips it, and sends
 * such a directory only with what it brings back.
 */
final class IgnoreRules {
    /** Characters that make an exception a pattern rather than a plain path (fsutil's). */
    private static final String PATTERN_CHARACTERS = "*[]?^\\";

    private final List<Rule> rules;

    private IgnoreRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * The ignore file that applies to a build: {@code NAME.dockerignore} beside the Dockerfile
     * {@code NAME} when it exists, else {@code .dockerignore} at the context's root, which may not
     * exist (then nothing is left out).
     *
     * @param dockerfile the Dockerfile, or null when it comes from standard input
     */
    static Path file(Path context, Path dockerfile) {
        if (dockerfile != null && dockerfile.getFileName() != null) {
            Path specific = dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore");
            if (Files.isRegularFile(specific)) {
                return specific;
            }
        }
        return context.resolve(".dockerignore");
    }

    /**
     * Reads an ignore file's patterns.
     *
     * @param name the file's name as it is to be reported
     * @throws DockerfileException for a lone {@code !} or a pattern Go's {@code filepath.Match}
     *     refuses (an unclosed {@code [}, a {@code \} at the end)
     */
    static IgnoreRules parse(String name, String text) {
        List<Rule> rules = new ArrayList<>();
        String[] lines = (text.startsWith("\uFEFF") ? text.substring(1) : text).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.startsWith("#")) {
                continue;
            }
            String pattern = DockerfileWords.trim(line);
            if (pattern.isEmpty()) {
                continue;
            }
            boolean exception = pattern.startsWith("!");
            if (exception) {
                pattern = DockerfileWords.trim(pattern.substring(1));
            }
            if (!pattern.isEmpty()) {
                pattern = clean(pattern);
                pattern = pattern.length() > 1 && pattern.startsWith("/") ? pattern.substring(1) : pattern;
            }
            try {
                // patternmatcher cleans the line again, the ! back in front.
                rules.add(Rule.of(clean(exception ? "!" + pattern : pattern)));
            } catch (IllegalArgumentException e) {
                throw new DockerfileException(name, i + 1, e.getMessage(), e);
            }
        }
        return new IgnoreRules(rules);
    }

    /**
     * Whether a path of the context is left out: the last pattern matching it, or a directory
     * above it, decides, as the context walk decides it from each directory's results.
     *
     * @param path relative to the context's root, {@code /}-separated, cleaned ({@code src/main.c})
     */
    boolean excluded(String path) {
        if (rules.isEmpty() || path.isEmpty() || path.equals(".")) {
            return false;
        }
        String[] parts = path.split("/");
        boolean[] parentMatched = null;
        boolean excluded = false;
        StringBuilder prefix = new StringBuilder();
        for (String part : parts) {
            prefix.append(prefix.isEmpty() ? "" : "/").append(part);
            boolean[] matched = new boolean[rules.size()];
            excluded = false;
            for (int i = 0; i < rules.size(); i++) {
                Rule rule = rules.get(i);
                boolean match = parentMatched != null && parentMatched[i];
                // A rule that cannot change the outcome so far is not tried (nor remembered).
                if (!match && rule.exception() == excluded) {
                    match = rule.matches(prefix.toString());
                }
                matched[i] = match;
                if (match) {
                    excluded = !rule.exception();
                }
            }
            parentMatched = matched;
        }
        return excluded;
    }

    /**
     * Whether an exception may bring back something inside a directory that is left out, so that
     * the walker must go through it: an exception naming a path under it, or any exception that
     * is a pattern rather than a path.
     *
     * @param directory relative to the context's root, as {@link #excluded} takes it
     */
    boolean mayReincludeUnder(String directory) {
        String prefix = directory + "/";
        for (Rule rule : rules) {
            if (rule.exception()) {
                String path = withoutTrailingGlob(rule.pattern());
                if (path.chars().anyMatch(c -> PATTERN_CHARACTERS.indexOf(c) >= 0) || (path + "/").startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String withoutTrailingGlob(String pattern) {
        String path = pattern.endsWith("/**") ? pattern.substring(0, pattern.length() - 3) : pattern;
        return path.endsWith("/*") ? path.substring(0, path.length() - 2) : path;
    }

    /** A path cleaned as Go's {@code filepath.Clean} cleans it: {@code ..} at the root stays at the root. */
    static String clean(String path) {
        String relative = LayerReader.clean(path);
        if (!path.startsWith("/")) {
            return relative.isEmpty() ? "." : relative;
        }
        while (relative.equals("..") || relative.startsWith("../")) {
            relative = relative.substring(Math.min(3, relative.length()));
        }
        return "/" + relative;
    }

    /** How a pattern matches, as moby's patternmatcher compiles it. */
    private enum Kind {
        /** The path is the pattern. */
        EXACT,
        /** {@code dir/**}: the path starts with the pattern before {@code **}. */
        PREFIX,
        /** {@code **}/{@code file}: the path ends with the pattern after {@code **}. */
        SUFFIX,
        /** Anything else. */
        REGEX
    }

    /**
     * One line of the file.
     *
     * @param pattern the cleaned pattern, without {@code !}
     */
    private record Rule(String pattern, boolean exception, Kind kind, Pattern regex) {
        /** @throws IllegalArgumentException for a pattern Go's {@code filepath.Match} refuses */
        static Rule of(String line) {
            boolean exception = line.startsWith("!");
            if (exception && line.length() == 1) {
                throw new IllegalArgumentException("illegal exclusion pattern: \"!\"");
            }
            String pattern = exception ? line.substring(1) : line;
            StringBuilder regex = new StringBuilder("^");
            Kind kind = Kind.EXACT;
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (c == '*' && pattern.startsWith("**", i)) {
                    boolean first = i == 0;
                    i += pattern.startsWith("**/", i) ? 2 : 1;
                    if (i + 1 < pattern.length()) {
                        regex.append("(.*/)?"); // any number of directories, none included
                        kind = Kind.REGEX;
                    } else if (kind == Kind.EXACT) {
                        kind = Kind.PREFIX;
                    } else {
                        regex.append(".*");
                        kind = Kind.REGEX;
                    }
                    kind = first ? Kind.SUFFIX : kind;
                } else {
                    kind = GoPattern.isSpecial(c) ? Kind.REGEX : kind;
                    i = GoPattern.translate(pattern, i, regex);
                }
            }
            return new Rule(pattern, exception, kind, kind == Kind.REGEX ? Pattern.compile(regex.append('$').toString())
                    : null);
        }

        boolean matches(String path) {
            return switch (kind) {
                case EXACT -> path.equals(pattern);
                case PREFIX -> path.startsWith(pattern.substring(0, pattern.length() - 2));
                case SUFFIX -> {
                    String suffix = pattern.substring(2);
                    yield path.endsWith(suffix) || suffix.startsWith("/") && path.equals(suffix.substring(1));
                }
                case REGEX -> regex.matcher(path).matches();
            };
        }
    }
}
