package dev.jreg.cli;

import java.util.List;
import java.util.Map;

/** {@code jreg catalog}: a registry's repositories. */
final class CatalogCommand extends Subcommand {
    private String registry;
    private int limit;
    private final FormatMixin format = new FormatMixin();

    @Override
    CommandModel model() {
        return CommandModel.of("catalog", this,
                        "List the repositories of a registry (/v2/_catalog).",
                        "Many registries refuse this (Docker Hub, GHCR); jreg then says so.")
                .parameter("REGISTRY", "e.g. localhost:5000", v -> registry = v)
                .option("--limit", "N", "At most N repositories.", Integer.class, v -> limit = v)
                .with(format::declare)
                .with(root::networkOptions);
    }

    @Override
    public Integer call() throws Exception {
        boolean json = format.json();
        List<String> repositories = root.open().catalog(registry, limit);
        if (json) {
            root.context().out().println(JsonOutput.write(Map.of("repositories", repositories)));
        } else {
            repositories.forEach(root.context().out()::println);
        }
        return ExitCodes.OK;
    }
}
