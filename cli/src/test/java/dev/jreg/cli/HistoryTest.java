package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.TestImages;
import dev.jreg.testing.TestImages.Layer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code history}: docker's columns, newest first, fitting 80 columns, and its script formats. */
class HistoryTest {
    private static final String LONG_RUN = "RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends"
            + " ca-certificates curl # buildkit";

    @TempDir
    Path home;
    @TempDir
    Path store;

    private Layer base;
    private Layer app;
    private Digest imageId;

    private Cli.Result ok(String... args) {
        return new Cli(home, store).ok(args);
    }

    @BeforeEach
    void storeImage() throws Exception {
        base = TestImages.layer(1, 3000);
        app = TestImages.layer(2, 150_000);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", "2024-06-01T00:00:00Z");
        config.put("architecture", "amd64");
        config.put("os", "linux");
        config.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(base.diffId().toString(),
                app.diffId().toString())));
        config.put("history", List.of(
                Map.of("created", "2024-05-01T00:00:00Z", "created_by", "/bin/sh -c #(nop) ADD file:0b1 in / "),
                Map.of("created", "2024-05-01T00:00:01Z", "created_by", "/bin/sh -c #(nop)  CMD [\"bash\"]",
                        "empty_layer", true),
                Map.of("created", "2024-06-01T00:00:00.348493511Z", "created_by", LONG_RUN, "comment",
                        "buildkit.dockerfile.v0"),
                Map.of("created", "2024-06-01T00:00:00Z", "created_by", "WORKDIR /app", "empty_layer", true)));
        OciLayout layout = OciLayout.open(store);
        ManifestBlob manifest = TestImages.storeImage(layout, config, List.of(base, app));
        layout.setName(Reference.parse("app:1").toString(), manifest.descriptor());
        imageId = ((ImageManifest) manifest.manifest()).config().digest();
    }

    @Test
    void tableListsStepsNewestFirstWithTheImageIdOnTheNewestAndLayerSizes() {
        String[] lines = ok("history", "local:app:1").out().split("\n");
        assertEquals(5, lines.length, String.join("\n", lines));
        assertTrue(lines[0].matches("IMAGE +CREATED +CREATED BY +SIZE +COMMENT"), lines[0]);
        assertTrue(lines[1].startsWith(imageId.shortHex() + "   "), lines[1]);
        assertTrue(lines[1].contains("WORKDIR /app") && lines[1].contains(" 0B"), lines[1]);
        assertTrue(lines[2].startsWith("<missing>") && lines[2].contains("RUN /bin/sh -c apt-")
                && lines[2].contains("…") && lines[2].contains(Sizes.human(app.descriptor().size()))
                && lines[2].endsWith("buildkit.…"), lines[2]);
        assertTrue(lines[3].contains("CMD [\"bash") && lines[3].contains(" 0B"), lines[3]);
        assertTrue(lines[4].contains("ADD file:0") && lines[4].contains(Sizes.human(base.descriptor().size())),
                lines[4]);
        for (String line : lines) {
            assertTrue(line.length() <= 80, line.length() + " columns: " + line);
        }
    }

    @Test
    void noTruncShowsTheWholeCommandAndId() {
        String out = ok("history", "--no-trunc", "local:app:1").out();
        assertTrue(out.contains(LONG_RUN + "   ") && out.contains("buildkit.dockerfile.v0"), out);
        assertTrue(out.contains(imageId.toString()), out);
    }

    @Test
    void quietPrintsOneIdPerStep() {
        assertEquals(imageId.shortHex() + "\n<missing>\n<missing>\n<missing>\n", ok("history", "-q", "local:app:1").out());
    }

    /** docker's {@code --format json} is {@code {{json .}}}: the fields as text, times to the second. */
    @Test
    void jsonHasDockersFieldsAsATemplateShowsThem() throws Exception {
        String out = ok("history", "--format", "json", "local:app:1").out();
        assertEquals(out, ok("history", "--format", "{{json .}}", "local:app:1").out());
        String[] lines = out.split("\n");
        assertEquals(4, lines.length);
        JsonNode run = Json.parse(lines[1]);
        assertEquals("<missing>", run.get("ID").asText());
        assertEquals(LONG_RUN, run.get("CreatedBy").asText());
        assertEquals("2024-06-01T00:00:00Z", run.get("CreatedAt").asText());
        assertEquals(Sizes.human(app.descriptor().size()), run.get("Size").textValue());
        assertEquals("buildkit.dockerfile.v0", run.get("Comment").asText());
        assertEquals("0B", Json.parse(lines[0]).get("Size").textValue());
        JsonNode bytes = Json.parse(ok("history", "--no-human", "--format", "json", "local:app:1").out().split("\n")[1]);
        assertEquals(String.valueOf(app.descriptor().size()), bytes.get("Size").textValue());
        assertEquals("2024-06-01T00:00:00Z", bytes.get("CreatedSince").textValue());
    }

    /** Dates in RFC 3339 without fractions, as docker prints them, in a table of 80 columns. */
    @Test
    void notHumanShowsDatesAndBytes() {
        String out = ok("history", "--no-human", "local:app:1").out();
        assertTrue(out.contains("2024-05-01T00:00:01Z"), out);
        assertTrue(out.contains("2024-06-01T00:00:00Z") && !out.contains(".348"), out);
        assertTrue(out.contains(" " + app.descriptor().size() + " "), out);
        out.lines().forEach(line -> assertTrue(line.length() <= 80, line.length() + " columns: " + line));
    }

    @Test
    void templatePrintsTheNamedFields() {
        assertEquals("WORKDIR /app|0B\n" + LONG_RUN + "|" + Sizes.human(app.descriptor().size()) + "\n",
                ok("history", "--format", "{{.CreatedBy}}|{{.Size}}", "local:app:1").out()
                        .lines().limit(2).map(l -> l + "\n").reduce("", String::concat));
    }

    @Test
    void platformChoosesTheImageOfAnIndex() throws Exception {
        Layer amd = TestImages.layer(3, 1000);
        Layer arm = TestImages.layer(4, 1000);
        Map<Platform, List<Layer>> images = new LinkedHashMap<>();
        images.put(Platform.of("linux", "amd64", null), List.of(amd));
        images.put(Platform.of("linux", "arm64", null), List.of(arm));
        TestImages.writeIndex(OciLayout.open(store), Reference.parse("multi:1"), images);
        String out = ok("history", "--no-trunc", "--platform", "linux/arm64", "local:multi:1").out();
        assertTrue(out.contains("layer " + arm.diffId().shortHex()), out);
        Cli.Result missing = new Cli(home, store).run("history", "--platform", "linux/s390x", "local:multi:1");
        assertEquals(3, missing.exitCode(), missing.toString());
        assertTrue(missing.err().startsWith("jreg: "), missing.err());
    }

    /**
     * An image made here is in the store alone: when the registry its name points at cannot be
     * reached, the line says so, and which command reads the store's; a name the store lacks gets
     * the registry's line alone. The exit code stays the registry's.
     */
    @Test
    void aRegistryFailureSaysWhenTheStoreHasTheName() {
        Cli cli = new Cli(home, store);
        String made = "127.0.0.1:1/made/app:1";
        cli.ok("commit", "--base", "app:1", "-c", "ENV MODE=here", made);
        Cli.Result result = cli.run("--retries", "0", "history", made);
        assertEquals(ExitCodes.NETWORK, result.exitCode(), result::toString);
        assertEquals("jreg: cannot reach registry 127.0.0.1:1: Connection refused; the store has " + made
                + ": jreg history --local " + made + "\n", result.err());
        assertTrue(cli.ok("history", "--local", "--no-trunc", made).out().contains("ENV MODE=here"));

        Cli.Result elsewhere = cli.run("--retries", "0", "history", "127.0.0.1:1/made/other:1");
        assertEquals(ExitCodes.NETWORK, elsewhere.exitCode(), elsewhere::toString);
        assertEquals("jreg: cannot reach registry 127.0.0.1:1: Connection refused\n", elsewhere.err());
    }

    @Test
    void aNameNotInTheStoreIsExitThree() {
        Cli.Result result = new Cli(home, store).run("history", "local:nothing:1");
        assertEquals(3, result.exitCode(), result.toString());
        assertEquals(1, result.err().lines().count(), result.err());
    }
}
