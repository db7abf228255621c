package dev.jreg.internal.build;

import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.sandbox.Sandbox;
import dev.jreg.model.Platform;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Stage executors for tests of other packages, with a sandbox of their choosing and sources that
 * refuse: what they build must need no base image, nor a download.
 */
public final class StageExecutors {
    private static final BuildProgress SILENT = new BuildProgress() {
        @Override
        public void started(Step step) {
        }

        @Override
        public void cached(Step step) {
        }

        @Override
        public void done(Step step, Duration took) {
        }

        @Override
        public void failed(Step step, Duration took, String error) {
        }

        @Override
        public void output(Step step, Duration elapsed, String line) {
        }
    };

    private static final BuildSources NONE = new BuildSources() {
        @Override
        public Resolved image(String name, Platform platform, boolean pull) {
            throw new AssertionError("no image may be resolved: " + name);
        }

        @Override
        public Download download(String url) {
            throw new AssertionError("nothing may be downloaded: " + url);
        }
    };

    private StageExecutors() {
    }

    /** An executor over the store that runs {@code RUN} in the sandbox and resolves nothing. */
    public static StageExecutor withSandbox(LocalStore store, Sandbox sandbox) {
        return withSandbox(store, sandbox, notice -> { });
    }

    /** The same, its notices given to {@code notices}. */
    public static StageExecutor withSandbox(LocalStore store, Sandbox sandbox, Consumer<String> notices) {
        return new StageExecutor(store, NONE, SILENT, notices, sandbox);
    }
}
