package dev.jreg.internal.build;

import dev.jreg.error.DockerfileException;
import dev.jreg.model.Platform;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The build arguments of one build (Dockerfile reference, "ARG"): those the user gives
 * ({@code --build-arg NAME=VALUE}), which only a declared {@code ARG} takes, and the predefined
 * ones — the platforms' ({@code TARGETPLATFORM}, {@code TARGETOS}, {@code TARGETARCH},
 * {@code TARGETVARIANT}, {@code BUILDPLATFORM}, {@code BUILDOS}, {@code BUILDARCH},
 * {@code BUILDVARIANT}, in the global scope, which the user may override) and the proxies'
 * ({@code HTTP_PROXY}, {@code http_proxy} and the others, which {@code RUN} gets without an
 * {@code ARG}).
 */
final class BuildArgs {
    /** The proxy arguments, which {@code RUN} sees when given, declared or not. */
    static final List<String> PROXY = List.of("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
            "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy");

    private final Map<String, String> given;
    private final Map<String, String> predefined = new LinkedHashMap<>();
    private final Set<String> declared = new HashSet<>();

    /**
     * @param given the user's arguments, in order
     * @param buildPlatform the platform building
     * @param targetPlatform the platform built for
     */
    BuildArgs(Map<String, String> given, Platform buildPlatform, Platform targetPlatform) {
        this.given = new LinkedHashMap<>(given);
        platform("TARGET", targetPlatform);
        platform("BUILD", buildPlatform);
        predefined.replaceAll((name, value) -> this.given.getOrDefault(name, value));
    }

    private void platform(String prefix, Platform platform) {
        predefined.put(prefix + "PLATFORM", platform.toString());
        predefined.put(prefix + "OS", platform.os());
        predefined.put(prefix + "ARCH", platform.architecture());
        predefined.put(prefix + "VARIANT", platform.variant() == null ? "" : platform.variant());
    }

    /**
     * The global scope of a Dockerfile: the predefined arguments, then its global {@code ARG}s in
     * order, each the user's value or its default expanded with those before it.
     *
     * @throws DockerfileException for a default whose variables cannot be replaced
     */
    Scope global(Dockerfile dockerfile) {
        Map<String, String> values = new LinkedHashMap<>(predefined);
        for (Instruction.Arg arg : dockerfile.globalArgs()) {
            Expander expander = new Expander(dockerfile.escape(), values::get);
            for (Instruction.Arg.Declaration declaration : arg.declarations()) {
                String value = value(declaration, expander, dockerfile.name(), arg.span());
                if (value != null) {
                    values.put(declaration.name(), value);
                }
            }
        }
        return new Scope(this, dockerfile, values);
    }

    /**
     * A declared argument's value: the user's, else its default expanded; null when neither.
     *
     * @throws DockerfileException for a default whose variables cannot be replaced
     */
    String value(Instruction.Arg.Declaration declaration, Expander expander, String file, Instruction.Span span) {
        declared.add(declaration.name());
        if (given.containsKey(declaration.name())) {
            return given.get(declaration.name());
        }
        if (declaration.defaultValue() == null) {
            return null;
        }
        try {
            return expander.word(declaration.defaultValue());
        } catch (IllegalArgumentException e) {
            throw new DockerfileException(file, span.first(), e.getMessage(), e);
        }
    }

    /** The proxy arguments the user gave, which {@code RUN} sees unless the stage declares them. */
    Map<String, String> proxies() {
        Map<String, String> proxies = new LinkedHashMap<>();
        PROXY.stream().filter(given::containsKey).forEach(name -> proxies.put(name, given.get(name)));
        return proxies;
    }

    /**
     * The user's arguments no {@code ARG} has declared so far and that are not predefined, which
     * Docker warns of once the build is done ({@code [Warning] One or more build-args [X] were not
     * consumed}).
     */
    List<String> unused() {
        List<String> unused = new ArrayList<>();
        for (String name : given.keySet()) {
            if (!declared.contains(name) && !predefined.containsKey(name) && !PROXY.contains(name)) {
                unused.add(name);
            }
        }
        return unused;
    }
}
