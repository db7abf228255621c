package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code images} for scripts: templates, filters, a REPOSITORY argument, order, sizes, the total on stderr. */
class ImagesListingTest {
    private static final Platform AMD64 = Platform.of("linux", "amd64", null);
    private static final Platform ARM64 = Platform.of("linux", "arm64", null);

    @TempDir
    Path home;
    @TempDir
    Path store;

    private Digest oldNginx;
    private Digest newNginx;
    private Digest app;

    private Cli.Result jreg(String... args) {
        return new Cli(home, store).run(args);
    }

    private Cli.Result ok(String... args) {
        return new Cli(home, store).ok(args);
    }

    private Digest image(String name, long seed, String created, Map<String, String> labels) throws Exception {
        ManifestBlob manifest = TestImages.writeImage(OciLayout.open(store), Reference.parse(name), AMD64,
                List.of(TestImages.layer(seed, 1000)), created, labels);
        return ((ImageManifest) manifest.manifest()).config().digest();
    }

    /** Stored oldest first; images lists newest first. */
    @BeforeEach
    void store() throws Exception {
        oldNginx = image("nginx:1.24.0", 1, "2023-04-11T00:00:00Z", Map.of());
        app = image("localhost:5000/team/app:1", 2, "2024-06-01T00:00:00Z", Map.of("tier", "web", "owner", "ops"));
        newNginx = image("nginx:1.25.0", 3, "2024-01-02T00:00:00Z", Map.of("tier", "web"));
    }

    @Test
    void templateOfRepositoryAndTagPrintsOneLinePerImageNewestFirst() {
        Cli.Result result = ok("images", "--format", "{{.Repository}}:{{.Tag}}");
        assertEquals("localhost:5000/team/app:1\nnginx:1.25.0\nnginx:1.24.0\n", result.out());
        assertEquals("", result.err(), "no total after a template");
    }

    @Test
    void tableTemplateHasDockersHeadersAndAlignedColumns() {
        Cli.Result result = ok("images", "--format", "table {{.Repository}}\\t{{.ID}}\\t{{.Size}}");
        List<String> lines = result.out().lines().toList();
        assertEquals("REPOSITORY                IMAGE ID       SIZE", lines.get(0));
        assertTrue(lines.get(1).startsWith("localhost:5000/team/app   " + app.shortHex() + "   "), result::toString);
        assertTrue(lines.get(1).matches(".* [0-9.]+kB"), "Size in docker's units: " + lines.get(1));
        assertEquals(4, lines.size(), result::toString);
    }

    @Test
    void jsonActionsPrintTheRowOrOneField() throws Exception {
        Cli.Result whole = ok("images", "--format", "{{json .}}", "nginx:1.25.0");
        JsonNode row = Json.parse(whole.out());
        assertEquals("nginx", row.path("Repository").asText());
        assertEquals(newNginx.shortHex(), row.path("ID").asText(), "as docker's {{json .}}: the ID as the table shows it");
        assertEquals("\"1.25.0\"\t" + newNginx.shortHex() + "\n",
                ok("images", "--format", "{{json .Tag}}\\t{{ .ID }}", "nginx:1.25.0").out());
    }

    @Test
    void anUnknownFieldIsAUsageErrorNamingIt() {
        Cli.Result result = jreg("images", "--format", "{{.Name}}");
        assertEquals(2, result.exitCode(), result::toString);
        assertEquals("jreg: --format: no field Name; fields: Repository, Tag, Digest, ID, Reference, MediaType, Platform, "
                + "ArtifactType, CreatedAt, CreatedSince, Size, Complete, Damaged\n", result.err());
        assertEquals("", result.out());
        Cli.Result function = jreg("images", "--format", "{{.Repository | lower}}");
        assertEquals(2, function.exitCode(), function::toString);
        assertTrue(function.err().startsWith("jreg: --format: cannot read {{.Repository | lower}}"), function::toString);
    }

    @Test
    void anUnclosedActionIsAUsageErrorBeforeAnyRow() {
        Map<String, String> unclosed = new LinkedHashMap<>();
        unclosed.put("{{.Tag}", "{{.Tag}");
        unclosed.put("{{.Repository}}:{{.Tag", "{{.Tag");
        unclosed.put("table {{.ID}}\\t{{json .", "{{json .");
        unclosed.forEach((format, rest) -> {
            Cli.Result result = jreg("images", "--format", format);
            assertEquals(2, result.exitCode(), result::toString);
            assertEquals("jreg: --format: unclosed action: " + rest + " has no closing }}\n", result.err());
            assertEquals("", result.out());
        });
    }

    @Test
    void aRepositoryArgumentListsItsTagsOrOneTag() {
        assertEquals("nginx:1.25.0\nnginx:1.24.0\n", ok("images", "--format", "{{.Repository}}:{{.Tag}}", "nginx").out());
        assertEquals("nginx:1.24.0\n", ok("images", "--format", "{{.Repository}}:{{.Tag}}", "nginx:1.24.0").out());
        assertEquals("", ok("images", "-q", "redis").out());
    }

    @Test
    void referenceFiltersMatchAsDockersGlob() {
        assertEquals("localhost:5000/team/app:1\n",
                ok("images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference=*/*/app").out());
        assertEquals("", ok("images", "-q", "--filter", "reference=*/app").out(), "* does not cross /");
        assertEquals("nginx:1.24.0\n",
                ok("images", "--format", "{{.Repository}}:{{.Tag}}", "-f", "reference=nginx:1.2[0-4]*").out());
        assertEquals("localhost:5000/team/app:1\nnginx:1.24.0\n", ok("images", "--format", "{{.Repository}}:{{.Tag}}",
                "--filter", "reference=nginx:1.24.?", "--filter", "reference=localhost:5000/team/app").out(),
                "values of one key are alternatives");
    }

    @Test
    void beforeSinceLabelAndDanglingFilters() throws Exception {
        String format = "{{.Repository}}:{{.Tag}}";
        assertEquals("nginx:1.24.0\n", ok("images", "--format", format, "--filter", "before=nginx:1.25.0").out());
        assertEquals("localhost:5000/team/app:1\n", ok("images", "--format", format, "--filter",
                "since=" + newNginx.shortHex()).out(), "an image ID names the image too");
        assertEquals("localhost:5000/team/app:1\nnginx:1.25.0\n",
                ok("images", "--format", format, "--filter", "label=tier").out());
        assertEquals("localhost:5000/team/app:1\n", ok("images", "--format", format, "--filter", "label=tier=web",
                "--filter", "label=owner=ops").out(), "every label filter must match");

        ManifestBlob untagged = LocalStore.open(store).readManifest(LocalStore.open(store)
                .lookup(Reference.parse("nginx:1.24.0")).orElseThrow());
        LocalStore.open(store).setName(Reference.parse("localhost/orphan@" + untagged.digest()), untagged.descriptor());
        assertEquals("localhost/orphan:<none>\n", ok("images", "--format", format, "--filter", "dangling=true").out());
        assertEquals(3, ok("images", "-q", "--filter", "dangling=false").out().lines().count());

        Cli.Result unknown = jreg("images", "--filter", "size=1");
        assertEquals(2, unknown.exitCode(), unknown::toString);
        assertEquals("jreg: invalid filter 'size' (images filters: reference, dangling, before, since, label)\n",
                unknown.err());
        Cli.Result missing = jreg("images", "--filter", "before=redis:7");
        assertEquals(3, missing.exitCode(), missing::toString);
    }

    @Test
    void noTruncShowsFullIdsAndAllIsAccepted() {
        assertEquals(app + "\n" + newNginx + "\n" + oldNginx + "\n", ok("images", "-q", "--no-trunc").out());
        assertEquals(app.shortHex() + "\n" + newNginx.shortHex() + "\n" + oldNginx.shortHex() + "\n",
                ok("images", "-a", "-q").out());
        assertTrue(ok("images", "--no-trunc").out().contains(" " + app + " "));
        assertEquals(newNginx + "\n", ok("images", "--format", "{{.ID}}", "--no-trunc", "nginx:1.25.0").out());
    }

    @Test
    void theTotalGoesToStderrSoStdoutHoldsOnlyRows() throws Exception {
        Cli.Result all = ok("images");
        List<String> rows = all.out().lines().toList();
        assertEquals(4, rows.size(), all::toString);
        assertTrue(rows.get(1).startsWith("localhost:5000/team/app ") && rows.get(3).startsWith("nginx ")
                && rows.get(3).contains(" 1.24.0 "), all::toString);
        long everything = 0;
        for (Reference name : List.of(Reference.parse("nginx:1.24.0"), Reference.parse("nginx:1.25.0"),
                Reference.parse("localhost:5000/team/app:1"))) {
            everything += size(name);
        }
        assertEquals("Total: 3 images, " + Sizes.human(everything) + " on disk (shared layers counted once)\n", all.err());

        Cli.Result one = ok("images", "nginx:1.24.0");
        assertEquals("Total: 1 image, " + Sizes.human(size(Reference.parse("nginx:1.24.0")))
                + " on disk (shared layers counted once)\n", one.err(), "the total of what is listed");
    }

    private long size(Reference name) throws Exception {
        LocalStore layout = LocalStore.open(store);
        long size = 0;
        for (Digest blob : layout.blobsOf(layout.lookup(name).orElseThrow())) {
            size += layout.blobSize(blob).orElseThrow();
        }
        return size;
    }

    @Test
    void anIndexStoredWholeIsSizedWithEveryPlatformSharedLayersOnce() throws Exception {
        TestImages.Layer shared = TestImages.layer(10, 5000);
        Map<Platform, List<TestImages.Layer>> platforms = new LinkedHashMap<>();
        platforms.put(AMD64, List.of(shared, TestImages.layer(11, 3000)));
        platforms.put(ARM64, List.of(shared, TestImages.layer(12, 4000)));
        ManifestBlob index = TestImages.writeIndex(OciLayout.open(store), Reference.parse("localhost/multi:1"), platforms);

        JsonNode row = Json.parse(ok("images", "--format", "json", "localhost/multi").out());
        long layers = shared.bytes().length + TestImages.layer(11, 3000).bytes().length
                + TestImages.layer(12, 4000).bytes().length;
        long configs = 0;
        for (Descriptor child : ((ImageIndex) index.manifest()).manifests()) {
            configs += ((ImageManifest) LocalStore.open(store).readManifest(child).manifest()).config().size();
        }
        assertEquals(configs + layers, row.path("Size").asLong(), "both platforms' configs and layers, the shared one once");
        Set<Digest> blobs = OciLayout.open(store).blobsOf(index.descriptor());
        assertEquals(1 + 2 * 4 - 1, blobs.size(), "index, 2 manifests, 2 configs, 3 layers: the shared one once");
        assertEquals(Set.of(index.digest().shortHex()),
                ok("images", "-q", "localhost/multi").out().lines().collect(Collectors.toSet()));
    }

    /**
     * {@code images} and {@code tags --details} count one size, the compressed size of config and
     * layers as registries count it, no manifest: for an image, and for an index stored whole
     * whose platforms share a layer (counted once) and which holds an attestation (left out).
     */
    @Test
    void imagesAndTagsDetailsCountTheSameCompressedSize() throws Exception {
        OciLayout layout = OciLayout.open(store);
        TestImages.Layer shared = TestImages.layer(20, 6000);
        TestImages.Layer amd64 = TestImages.layer(21, 2000);
        TestImages.Layer arm64 = TestImages.layer(22, 3000);
        ManifestBlob amd64Image = TestImages.storeImage(layout, AMD64, List.of(shared, amd64));
        ManifestBlob arm64Image = TestImages.storeImage(layout, ARM64, List.of(shared, arm64));
        ManifestBlob attestation = TestImages.storeImage(layout, Platform.of("unknown", "unknown", null),
                List.of(TestImages.layer(23, 9000)));
        ManifestBlob index = ManifestBlob.create(new ImageIndex(2, MediaType.OCI_INDEX, null, List.of(
                amd64Image.descriptor().withPlatform(AMD64), arm64Image.descriptor().withPlatform(ARM64),
                attestation.descriptor().withPlatform(Platform.of("unknown", "unknown", null)).withAnnotations(Map.of(
                        "vnd.docker.reference.type", "attestation-manifest",
                        "vnd.docker.reference.digest", amd64Image.digest().toString()))), null, null));
        layout.putBytes(index.digest(), index.bytes());
        layout.setName(Reference.parse("localhost/shared:1").toString(), index.descriptor());
        long expected = ((ImageManifest) amd64Image.manifest()).config().size()
                + ((ImageManifest) arm64Image.manifest()).config().size() + shared.bytes().length
                + amd64.bytes().length + arm64.bytes().length;

        assertEquals(expected, Json.parse(ok("images", "--format", "json", "localhost/shared").out()).path("Size")
                .asLong());
        JsonNode details = Json.parse(ok("tags", "--details", "--format", "json", "local:localhost/shared").out());
        assertEquals(expected, details.path(0).path("size").asLong());
        String row = ok("tags", "--details", "local:localhost/shared").out().lines().toList().get(1);
        assertTrue(row.contains(" " + Sizes.human(expected) + " "), row);
        assertTrue(ok("images", "localhost/shared").out().contains(" " + Sizes.human(expected) + "\n"));

        JsonNode nginx = Json.parse(ok("tags", "--details", "--format", "json", "local:nginx").out());
        for (JsonNode tag : nginx) {
            ImageManifest image = (ImageManifest) LocalStore.open(store).readManifest(LocalStore.open(store)
                    .lookup(Reference.parse("nginx:" + tag.path("tag").asText())).orElseThrow()).manifest();
            long size = image.config().size() + image.layersSize();
            assertEquals(size, tag.path("size").asLong(), tag::toString);
            assertEquals(size, Json.parse(ok("images", "--format", "json", "nginx:" + tag.path("tag").asText()).out())
                    .path("Size").asLong());
        }
        assertEquals(2, nginx.size());
    }

    /** Replaces text in a stored blob, as {@code sed -i} would. */
    private void edit(Digest blob, String from, String to) throws Exception {
        Path file = store.resolve("blobs/sha256").resolve(blob.hex());
        file.toFile().setWritable(true);
        Files.writeString(file, Files.readString(file).replace(from, to));
    }

    @Test
    void aDamagedConfigIsListedAsDamagedAndTheOthersStillAre() throws Exception {
        Digest small = image("127.0.0.1:5717/test/small:1", 4, "2024-03-01T00:00:00Z", Map.of());
        edit(small, "2024-03-01", "2024-03-02");

        Cli.Result table = ok("images");
        assertEquals(5, table.out().lines().count(), table::toString);
        assertTrue(table.out().lines().anyMatch(l -> l.startsWith("127.0.0.1:5717/test/small ") && l.endsWith(" (damaged)")),
                table::toString);
        assertEquals(1, table.out().lines().filter(l -> l.contains("(damaged)")).count(), table::toString);
        JsonNode row = Json.parse(ok("images", "--format", "json", "127.0.0.1:5717/test/small").out());
        assertTrue(row.path("Damaged").asBoolean(false), row::toString);
        assertTrue(row.path("Platform").isNull(), row::toString);
        assertEquals(Set.of(small.shortHex(), oldNginx.shortHex(), newNginx.shortHex(), app.shortHex()),
                ok("images", "-q").out().lines().collect(Collectors.toSet()));
        assertEquals("false\n", ok("images", "--format", "{{.Damaged}}", "nginx:1.25.0").out());

        List<String> rm = new java.util.ArrayList<>(List.of("rm"));
        rm.addAll(ok("images", "-q").out().lines().toList());
        ok(rm.toArray(String[]::new));
        assertEquals("", ok("images", "-q").out());
    }

    @Test
    void aDamagedManifestIsListedAsDamaged() throws Exception {
        Digest manifest = LocalStore.open(store).lookup(Reference.parse("nginx:1.24.0")).orElseThrow().digest();
        edit(manifest, "\"size\"", "\"size\" ");

        Cli.Result table = ok("images");
        assertEquals(4, table.out().lines().count(), table::toString);
        assertTrue(table.out().lines().anyMatch(l -> l.startsWith("nginx ") && l.contains(" 1.24.0 ")
                && l.endsWith(" (damaged)")), table::toString);
        assertEquals(3, ok("images", "-q").out().lines().count());
    }

    @Test
    void anIndexStoredWholeShowsEveryPlatform() throws Exception {
        Map<Platform, List<TestImages.Layer>> platforms = new LinkedHashMap<>();
        platforms.put(AMD64, List.of(TestImages.layer(20, 1000)));
        platforms.put(ARM64, List.of(TestImages.layer(21, 1000)));
        TestImages.writeIndex(OciLayout.open(store), Reference.parse("localhost/two:1"), platforms);
        platforms.put(Platform.of("linux", "arm", "v7"), List.of(TestImages.layer(22, 1000)));
        TestImages.writeIndex(OciLayout.open(store), Reference.parse("localhost/three:1"), platforms);

        JsonNode two = Json.parse(ok("images", "--format", "json", "localhost/two").out());
        assertEquals("linux/amd64,linux/arm64", two.path("Platform").asText());
        assertEquals("linux/amd64,linux/arm64,linux/arm/v7\n",
                ok("images", "--format", "{{.Platform}}", "localhost/three").out());
        assertEquals("linux/amd64\n", ok("images", "--format", "{{.Platform}}", "nginx:1.24.0").out(),
                "an image: its one platform");
    }
}
