package dev.jreg.cli;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.jreg.model.ManifestBlob;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jreg sync} from a source that tells its pull budget (Docker Hub's rate-limit headers),
 * answers 429, lacks a repository or is slow, into the real distribution registry.
 */
@ExtendWith(RealRegistryCondition.class)
class SyncPullLimitTest {
    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    static Path dir;
    static DistributionRegistry destination;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        destination = DistributionRegistry.open(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        destination.close();
    }

    Cli cli() {
        return new Cli(home, store);
    }

    String prefix() {
        return destination.hostPort() + "/m" + System.nanoTime();
    }

    @Test
    void pausesNewManifestGetsWhileTheBudgetIsLowThenCopiesEverything() throws Exception {
        FakeSource source = new FakeSource(server);
        // Each image's GET spends the budget further: one left (a 2 s window), then none (reset in 1 s).
        ManifestBlob one = source.image("one", "a", 1, get -> get.withHeader("RateLimit-Limit", "100;w=2")
                .withHeader("RateLimit-Remaining", "1;w=2"));
        ManifestBlob two = source.image("two", "a", 2, get -> get.withHeader("RateLimit-Limit", "100")
                .withHeader("RateLimit-Remaining", "0").withHeader("RateLimit-Reset", "1"));
        ManifestBlob three = source.image("three", "a", 3, get -> get.withHeader("ratelimit-limit", "100;w=2")
                .withHeader("ratelimit-remaining", "99;w=2"));
        String prefix = prefix();
        Path file = source.syncFile(home, prefix, "", "one: [a]", "two: [a]", "three: [a]");

        Cli.Result result = cli().run("sync", "--config", file.toString(), "-j", "1");

        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.out().endsWith("3 copied, 0 up to date, 0 failed, 0 skipped\n"), result::toString);
        List<ServeEvent> gets = source.manifestRequests("GET");
        assertEquals(List.of("/v2/one/manifests/a", "/v2/two/manifests/a", "/v2/three/manifests/a"),
                gets.stream().map(e -> e.getRequest().getUrl()).toList(), "one GET of each manifest, no more");
        // No GET started while the budget was spent: not within the window of the answer that said so.
        assertTrue(startedAfter(gets.get(1), gets.get(0), 2000), "a GET started within the 2 s window");
        assertTrue(startedAfter(gets.get(2), gets.get(1), 1000), "a GET started before the reset");

        String host = source.registry().replace(".", "\\.");
        List<String> notices = result.err().lines().filter(l -> l.contains("pull limit")).toList();
        assertEquals(2, notices.size(), result::toString);
        assertTrue(notices.get(0).matches("jreg: " + host + ": pull limit low \\(1 of 100 left\\); waiting until"
                + " \\d\\d:\\d\\d:\\d\\d"), notices::toString);
        assertTrue(notices.get(1).matches("jreg: " + host + ": pull limit low \\(0 of 100 left\\); waiting until"
                + " \\d\\d:\\d\\d:\\d\\d"), notices::toString);
        assertTrue(notices.stream().allMatch(l -> l.length() <= 80), notices::toString);

        assertEquals(one.digest(), FakeSource.digestAt(store, prefix + "/one:a"));
        assertEquals(two.digest(), FakeSource.digestAt(store, prefix + "/two:a"));
        assertEquals(three.digest(), FakeSource.digestAt(store, prefix + "/three:a"));
    }

    /** True when {@code later} came at least {@code millis} after {@code earlier}. */
    static boolean startedAfter(ServeEvent later, ServeEvent earlier, long millis) {
        return later.getRequest().getLoggedDate().getTime() - earlier.getRequest().getLoggedDate().getTime() >= millis;
    }

    @Test
    void waitsOutA429sRetryAfterAndTellsItOnce() throws Exception {
        FakeSource source = new FakeSource(server);
        ManifestBlob busy = source.image("busy", "a", 4, get -> get);
        ManifestBlob calm = source.image("calm", "a", 5, get -> get);
        FakeSource.refuseFirstGet(server, "/v2/busy/manifests/a", busy, "Retry-After", "1");
        String prefix = prefix();
        Path file = source.syncFile(home, prefix, "", "busy: [a]", "calm: [a]");

        Cli.Result result = cli().run("sync", "--config", file.toString());

        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.out().endsWith("2 copied, 0 up to date, 0 failed, 0 skipped\n"), result::toString);
        List<String> notices = result.err().lines().filter(l -> l.contains("pull limit")).toList();
        assertEquals(1, notices.size(), result::toString);
        assertTrue(notices.get(0).matches("jreg: " + source.registry().replace(".", "\\.")
                + ": pull limit reached \\(HTTP 429\\); waiting until \\d\\d:\\d\\d:\\d\\d"), notices::toString);
        List<ServeEvent> busyGets = source.manifestRequests("GET").stream()
                .filter(e -> e.getRequest().getUrl().equals("/v2/busy/manifests/a")).toList();
        assertEquals(2, busyGets.size(), "the refused GET and its retry");
        assertTrue(startedAfter(busyGets.get(1), busyGets.get(0), 1000), "retried before Retry-After");
        assertEquals(busy.digest(), FakeSource.digestAt(store, prefix + "/busy:a"));
        assertEquals(calm.digest(), FakeSource.digestAt(store, prefix + "/calm:a"));
    }

    @Test
    void aRefusalLeftByTheRetriesIsSentAgainOnceTheBudgetItToldIsBack() throws Exception {
        FakeSource source = new FakeSource(server);
        ManifestBlob refused = source.image("refused", "a", 8, get -> get);
        FakeSource.refuseFirstGet(server, "/v2/refused/manifests/a", refused, "RateLimit-Limit", "100",
                "RateLimit-Remaining", "0", "RateLimit-Reset", "1");
        String prefix = prefix();
        Path file = source.syncFile(home, prefix, "", "refused: [a]");

        Cli.Result result = cli().run("sync", "--config", file.toString(), "--retries", "0");

        assertEquals(0, result.exitCode(), result::toString);
        List<ServeEvent> gets = source.manifestRequests("GET");
        assertEquals(2, gets.size(), "the refused GET and the one after the reset");
        assertTrue(startedAfter(gets.get(1), gets.get(0), 1000), "sent again before the reset");
        assertEquals(1, result.err().lines().filter(l -> l.matches("jreg: " + source.registry().replace(".", "\\.")
                + ": pull limit low \\(0 of 100 left\\); waiting until \\d\\d:\\d\\d:\\d\\d")).count(), result::toString);
        assertEquals(refused.digest(), FakeSource.digestAt(store, prefix + "/refused:a"));
    }

    @Test
    void oneMissingRepositoryOfThreeFailsAloneWithExit10() throws Exception {
        FakeSource source = new FakeSource(server);
        ManifestBlob first = source.image("first", "a", 6, get -> get);
        source.missing("gone");
        ManifestBlob last = source.image("last", "a", 7, get -> get);
        String prefix = prefix();
        Path file = source.syncFile(home, prefix, "", "first: [a]", "gone: [a]", "last: [a]");

        Cli.Result result = cli().run("sync", "--config", file.toString());

        assertEquals(10, result.exitCode(), result::toString);
        assertTrue(result.out().endsWith("2 copied, 0 up to date, 1 failed, 0 skipped\n"), result::toString);
        assertTrue(result.out().lines().anyMatch(l -> l.matches(source.registry().replace(".", "\\.")
                + "/gone:a +failed +-")), result::toString);
        assertEquals(first.digest(), FakeSource.digestAt(store, prefix + "/first:a"));
        assertEquals(last.digest(), FakeSource.digestAt(store, prefix + "/last:a"));
    }

    @Test
    void aSourcesConcurrencyBoundsItsImagesAtOnce() throws Exception {
        FakeSource source = new FakeSource(server);
        List<String> images = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ManifestBlob image = source.image("slow" + i, "a", 10 + i, get -> get.withFixedDelay(300));
            FakeSource.slowHead(server, "/v2/slow" + i + "/manifests/a", image, 300);
            images.add("slow" + i + ": [a]");
        }
        String[] lines = images.toArray(String[]::new);

        Cli.Result unbounded = cli().run("sync", "--config", source.syncFile(home, prefix(), "", lines).toString(),
                "-j", "4");
        assertEquals(0, unbounded.exitCode(), unbounded::toString);
        int without = mostAtOnce(source);
        assertTrue(without >= 3, "-j 4 alone ran " + without + " at once: the count cannot tell");

        server.resetRequests();
        Cli.Result bounded = cli().run("sync", "--config",
                source.syncFile(home, prefix(), "  concurrency: 2\n", lines).toString(), "-j", "4");
        assertEquals(0, bounded.exitCode(), bounded::toString);
        assertTrue(bounded.out().endsWith("6 copied, 0 up to date, 0 failed, 0 skipped\n"), bounded::toString);
        assertEquals(2, mostAtOnce(source), "manifest requests at once under concurrency: 2");
    }

    @Test
    void aConcurrencyThatIsNoWholeNumberIsBadInput() throws Exception {
        FakeSource source = new FakeSource(server);
        for (String bad : List.of("0", "two", "1.5")) {
            Path file = source.syncFile(home, prefix(), "  concurrency: " + bad + "\n", "app: [a]");
            Cli.Result result = cli().run("sync", "--config", file.toString());
            assertEquals(2, result.exitCode(), result::toString);
            assertEquals("jreg: " + file + ": " + source.registry() + ": concurrency: expected a whole number of at"
                    + " least 1\n", result.err(), result::toString);
        }
    }

    /**
     * The most manifest requests the source was serving at one time, from its journal: each from
     * when it came until its answer was sent (its delay included), a few milliseconds trimmed at
     * each end for the clock's grain.
     */
    static int mostAtOnce(FakeSource source) {
        List<long[]> spans = new ArrayList<>();
        for (String method : List.of("HEAD", "GET")) {
            for (ServeEvent e : source.manifestRequests(method)) {
                long start = e.getRequest().getLoggedDate().getTime();
                spans.add(new long[] {start + 5, start + e.getTiming().getTotalTime() - 5});
            }
        }
        int most = 0;
        for (long[] span : spans) {
            most = Math.max(most, (int) spans.stream().filter(s -> s[0] <= span[0] && span[0] < s[1]).count());
        }
        return most;
    }
}
