package dev.jreg.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs real-registry tests only where the distribution registry and skopeo are installed. When
 * {@code JREG_REQUIRE_INTEGRATION=1} (set by scripts/test), they always run, so a missing install
 * fails loudly instead of skipping.
 */
public final class RealRegistryCondition implements ExecutionCondition {
    private static volatile boolean warned;

    /** True when both programs the integration tests drive are installed. */
    public static boolean toolsInstalled() {
        return Files.isExecutable(DistributionRegistry.BINARY) && Skopeo.available();
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (toolsInstalled() || "1".equals(System.getenv("JREG_REQUIRE_INTEGRATION"))) {
            return ConditionEvaluationResult.enabled("real registry available");
        }
        String reason = "integration tests skipped: " + DistributionRegistry.BINARY + " or skopeo is not installed"
                + " (scripts/test installs them: apt-get install docker-registry skopeo)";
        if (!warned) {
            warned = true;
            System.out.println("[jreg] " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
