package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.TestDns;
import dev.jreg.testing.TestDoh;
import dev.jreg.testing.Processes;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages;
import dev.jreg.testing.TestPki;
import dev.jreg.testing.Unprivileged;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged command ({@code cli/target/jreg.jar} and {@code lib/}) run through the shipped
 * launcher, as users run it, against real registries on HTTPS whose private CA jreg learns only from
 * certs.d. Catches what in-process tests cannot: a class missing from {@code lib/}, a launcher or
 * JVM option that breaks a command, output the JVM adds.
 */
@ExtendWith(RealRegistryCondition.class)
class PackagedCliIT {
    static final String USER = "dana";
    static final String PASSWORD = "Pkg:T1s-s3cret";
    static final Platform AMD64 = Platform.of("linux", "amd64", null);

    @TempDir
    static Path dir;
    static TestPki pki;
    static DistributionRegistry basic;
    static DistributionRegistry token;
    static DistributionRegistry mutual;
    /** The image skopeo put at {@code seed/app:1} on the basic-auth and the mutual-TLS registry. */
    static ManifestBlob seed;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        basic = DistributionRegistry.htpasswd(dir, Map.of(USER, PASSWORD), pki);
        token = DistributionRegistry.token(dir, Map.of(USER, PASSWORD), repo -> false, pki);
        mutual = DistributionRegistry.tls(dir, pki, true);

        Path fixtures = dir.resolve("fixtures");
        seed = TestImages.writeImage(OciLayout.open(fixtures), Reference.parse("localhost/seed:1"), AMD64,
                List.of(TestImages.layer(91, 60_000), TestImages.layer(92, 20_000)));
        Path certDir = pki.writeCertsDir(dir.resolve("skopeo-certs"), true);
        for (DistributionRegistry registry : List.of(basic, mutual)) {
            Skopeo.copy("--dest-cert-dir", certDir.toString(), "--dest-creds", USER + ":" + PASSWORD,
                    "oci:" + fixtures + ":localhost/seed:1", "docker://" + registry.hostPort() + "/seed/app:1");
        }

        // The first launch may record the class-data archive, saying so in one line; it must print
        // nothing else but the version, and must not rebuild: this stage tests the jar that package
        // just built.
        Path versionHome = Files.createDirectories(dir.resolve("version-home"));
        Cli.Result version = new Cli(versionHome, versionHome.resolve("store")).launch("--version");
        assertEquals(0, version.exitCode(), version::toString);
        assertTrue(version.err().isEmpty() || version.err().equals(LauncherMessagesTest.RECORDING + "\n"), version::toString);
        assertEquals("jreg " + System.getProperty("jreg.version"), version.out().lines().findFirst().orElse(""),
                "the version comes from the packaged jar's manifest: " + version);
    }

    @AfterAll
    static void stop() throws Exception {
        for (DistributionRegistry registry : new DistributionRegistry[] {basic, token, mutual}) {
            if (registry != null) {
                registry.close();
            }
        }
    }

    /** The launcher with this test's home (certs.d lives there), store and docker config. */
    Cli jreg(Path storeDir) {
        return new Cli(home, storeDir).env("DOCKER_CONFIG", home.resolve("docker").toString());
    }

    Cli jreg() {
        return jreg(store);
    }

    /** The PKI's CA (and client certificate) in this test's certs.d for the registry. */
    void trust(String hostPort, boolean clientCertificate) throws Exception {
        pki.writeCertsDir(home.resolve(".config/jreg/certs.d").resolve(hostPort), clientCertificate);
    }

    static void assertOk(Cli.Result result) {
        assertEquals(0, result.exitCode(), result::toString);
        assertNoSecret(result);
    }

    static void assertNoSecret(Cli.Result result) {
        String basicAuth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        for (String text : List.of(result.out(), result.err())) {
            assertFalse(text.contains(PASSWORD) || text.contains(basicAuth), "credentials leaked: " + result);
        }
    }

    /** {@code login --password-stdin}, which stores docker's {@code auths} entry. */
    void login(DistributionRegistry registry) throws Exception {
        Cli.Result login = jreg().stdin(PASSWORD + "\n").launch("login", "-u", USER, "--password-stdin", registry.hostPort());
        assertOk(login);
        assertEquals("Login Succeeded\n", login.out());
        JsonNode config = Json.parse(Files.readAllBytes(home.resolve("docker/config.json")));
        String auth = config.path("auths").path(registry.hostPort()).path("auth").asText();
        assertEquals(USER + ":" + PASSWORD, new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8),
                "docker's auths entry: " + config);
    }

    /** An image written straight into the store under {@code name}, for push to upload. */
    ManifestBlob imageInStore(String name, long seedValue) throws Exception {
        return TestImages.writeImage(OciLayout.open(store), Reference.parse(name), AMD64,
                List.of(TestImages.layer(seedValue, 50_000), TestImages.layer(seedValue + 1, 10_000)));
    }

    /** save and load as users run them: to a file and back through -i, to stdout and back through stdin. */
    @Test
    void savesAnArchiveAndLoadsItBackThroughAFileAndStdin() throws Exception {
        ManifestBlob image = imageInStore("example.com/carry/app:1", 301);
        Path archive = dir.resolve("carry.tar");
        Cli.Result saved = jreg().launch("save", "-o", archive.toString(), "example.com/carry/app:1");
        assertOk(saved);
        assertEquals("", saved.out());
        Cli.Result toStdout = jreg().launch("save", "example.com/carry/app:1");
        assertOk(toStdout);
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(archive), toStdout.bytes()), "the same bytes on stdout");
        for (boolean stdin : new boolean[] {false, true}) {
            Path other = dir.resolve(stdin ? "carried-stdin" : "carried-file");
            Cli cli = jreg(other);
            Cli.Result loaded = stdin ? cli.stdin(toStdout.bytes()).launch("load") : cli.launch("load", "-i", archive.toString());
            assertOk(loaded);
            assertEquals("Loaded image: example.com/carry/app:1\n", loaded.out());
            assertEquals(image.digest(), LocalStore.open(other).lookup(Reference.parse("example.com/carry/app:1"))
                    .orElseThrow().digest());
            assertEquals("Checked 4 blobs: store is clean\n", jreg(other).launch("verify").out());
        }
    }

    /** push prints docker's {@code TAG: digest: … size: N}. */
    void push(String name, ManifestBlob image) throws Exception {
        Cli.Result push = jreg().launch("push", name);
        assertOk(push);
        assertEquals(name.substring(name.lastIndexOf(':') + 1) + ": digest: " + image.digest() + " size: "
                + image.bytes().length + "\n", push.out(), push::toString);
    }

    /** Pulls into a fresh store, which then holds the name, the same manifest and all its blobs. */
    void pullIntoFreshStore(String name, ManifestBlob image) throws Exception {
        Path fresh = Files.createTempDirectory(home, "fresh-store");
        Cli.Result pull = jreg(fresh).launch("pull", "-q", name);
        assertOk(pull);
        assertEquals(name + "\n", pull.out(), pull::toString);
        assertStoreHolds(fresh, name, image.digest());
    }

    static void assertStoreHolds(Path storeDir, String name, Digest digest) throws Exception {
        LocalStore layout = LocalStore.open(storeDir);
        Descriptor named = layout.lookup(Reference.parse(name)).orElseThrow(() -> new AssertionError(name + " not in the store"));
        assertEquals(digest, named.digest(), name);
        for (Digest blob : layout.blobsOf(named)) {
            assertTrue(Files.isRegularFile(layout.blobPath(blob)), blob + " of " + name + " is stored");
        }
    }

    void assertTags(String repository, String expected) throws Exception {
        Cli.Result tags = jreg().launch("tags", repository);
        assertOk(tags);
        assertEquals(expected, tags.out(), tags::toString);
    }

    @Test
    void basicAuthOverTlsLoginPushPullInspectTags() throws Exception {
        trust(basic.hostPort(), false);
        login(basic);
        String name = basic.hostPort() + "/team/app:2";
        ManifestBlob image = imageInStore(name, 101);

        push(name, image);
        pullIntoFreshStore(name, image);

        Cli.Result inspect = jreg().launch("inspect", "--format", "json", name);
        assertOk(inspect);
        JsonNode shown = Json.parse(inspect.bytes());
        assertEquals(image.digest().toString(), shown.path("digest").asText(), inspect::toString);
        assertEquals("linux/amd64", shown.path("image").path("platform").asText(), inspect::toString);
        assertEquals(2, shown.path("image").path("layers").size(), inspect::toString);

        assertTags(basic.hostPort() + "/team/app", "2\n");
    }

    @Test
    void tokenAuthOverTlsLoginPushPullTags() throws Exception {
        // Only the registry's certs.d folder: as with docker, its CA covers the token server too.
        trust(token.hostPort(), false);
        login(token);
        String name = token.hostPort() + "/private/app:1";
        ManifestBlob image = imageInStore(name, 111);

        push(name, image);
        assertTrue(token.issuer().grants().stream().anyMatch(g -> g.startsWith(USER + " repository:private/app:pull,push")),
                token.issuer().grants()::toString);
        pullIntoFreshStore(name, image);

        assertTags(token.hostPort() + "/private/app", "1\n");
    }

    /**
     * {@code --dns} before the command (the launcher skips its value to find the command): the
     * registry's name is known only to a DNS server run here, and the mutual-TLS registry's
     * certificate is checked against that name. dnsjava's logging prints nothing.
     */
    @Test
    void pullsByANameOnlyTheGivenDnsServerKnows() throws Exception {
        try (TestDns dns = TestDns.answering(Map.of(TestPki.REGISTRY_NAME, "127.0.0.1"))) {
            String registry = TestPki.REGISTRY_NAME + mutual.hostPort().substring(mutual.hostPort().lastIndexOf(':'));
            trust(registry, true);
            Path pulled = Files.createTempDirectory(home, "dns-store");
            Cli.Result pull = jreg(pulled).launch("--dns", dns.server(), "pull", "-q", registry + "/seed/app:1");
            assertOk(pull);
            assertEquals(registry + "/seed/app:1\n", pull.out(), pull::toString);
            assertFalse(pull.err().contains("SLF4J"), pull::toString);
            assertStoreHolds(pulled, registry + "/seed/app:1", seed.digest());
        }
    }

    /** A plain DNS server given by name is refused by the packaged command before any request. */
    @Test
    void aDnsServerByNameIsOneLineOfBadInput() throws Exception {
        Cli.Result digest = jreg().launch("--dns", "dns.example", "digest", mutual.hostPort() + "/seed/app:1");
        assertEquals(ExitCodes.USAGE, digest.exitCode(), digest::toString);
        assertEquals("jreg: --dns: not a DNS server's address: dns.example (an IP address, with :PORT if not 53,"
                + " or https://HOST[:PORT]/PATH)\n", digest.err());
    }

    /**
     * DNS over HTTPS from the packaged command: OkHttp's module is in {@code lib/}, the server's
     * certificate is trusted through its certs.d folder, and OkHttp's warning of an answer over
     * HTTP/1.1 does not reach stderr.
     */
    @Test
    void pullsThroughADnsOverHttpsServer() throws Exception {
        try (TestDoh doh = TestDoh.answering(pki, Map.of(TestPki.REGISTRY_NAME, "127.0.0.1"))) {
            String registry = TestPki.REGISTRY_NAME + mutual.hostPort().substring(mutual.hostPort().lastIndexOf(':'));
            trust(registry, true);
            trust(doh.hostPort(), false);
            Path pulled = Files.createTempDirectory(home, "doh-store");
            Cli.Result pull = jreg(pulled).launch("--dns", doh.url(), "pull", "-q", registry + "/seed/app:1");
            assertOk(pull);
            assertEquals(registry + "/seed/app:1\n", pull.out(), pull::toString);
            assertFalse(pull.err().contains("WARNING") || pull.err().contains("protocol"), pull::toString);
            assertTrue(doh.questions.contains(TestPki.REGISTRY_NAME + ". A"), doh.questions::toString);
            assertStoreHolds(pulled, registry + "/seed/app:1", seed.digest());
        }
    }

    @Test
    void mutualTlsPullPushAndCopyFromTheBasicAuthRegistry() throws Exception {
        trust(mutual.hostPort(), true);
        trust(basic.hostPort(), false);

        Path pulled = Files.createDirectories(home.resolve("pulled"));
        Cli.Result pull = jreg(pulled).launch("pull", "-q", mutual.hostPort() + "/seed/app:1");
        assertOk(pull);
        assertStoreHolds(pulled, mutual.hostPort() + "/seed/app:1", seed.digest());

        String name = mutual.hostPort() + "/team/pushed:1";
        push(name, imageInStore(name, 121));

        login(basic);
        String target = mutual.hostPort() + "/copied/app:1";
        Cli.Result copy = jreg().launch("copy", "-q", basic.hostPort() + "/seed/app:1", target);
        assertOk(copy);
        assertEquals(target + "@" + seed.digest() + "\n", copy.out(), copy::toString);
        Cli.Result digest = jreg().launch("digest", target);
        assertOk(digest);
        assertEquals(seed.digest() + "\n", digest.out(), "the copy is on the mTLS registry: " + digest);
    }

    /**
     * A registry that refuses a connection without a client certificate, while stdout's reader is
     * gone too: the registry's broken connection, whatever its message, is reported (exit 5); only
     * stdout's own write would be taken for the closed pipe.
     */
    @Test
    void aRefusedClientCertificateIsReportedWhileStdoutIsAClosedPipe() throws Exception {
        trust(mutual.hostPort(), false);
        Cli.Result pull = jreg().launchPipedInto("head -c 0", "--retries", "0", "pull", "-q",
                mutual.hostPort() + "/seed/app:1");
        assertEquals(5, pull.exitCode(), pull::toString);
        assertEquals(1, pull.err().lines().count(), pull::toString);
        assertTrue(pull.err().startsWith("jreg: cannot reach registry " + mutual.hostPort() + ": ")
                && pull.err().contains("client certificate"), pull::toString);
    }

    /**
     * A user without a writable home, as {@code env -i HOME=/nonexistent} run as {@code nobody}
     * (through setpriv, since the tests run as root): a layout is inspected, the store read as
     * empty, and nothing is made, neither under that home nor under a {@code JREG_HOME} in a
     * folder the user cannot write.
     */
    @Test
    void aUserWithoutAWritableHomeReadsALayout() throws Exception {
        String unprivileged = Unprivileged.unavailable();
        org.junit.jupiter.api.Assumptions.assumeTrue(unprivileged == null, unprivileged);
        Path shared = Unprivileged.share(dir);
        Path locked = Files.createDirectories(shared.resolve("locked-" + System.nanoTime()));
        String layout = "oci:" + shared.resolve("fixtures") + ":localhost/seed:1";
        List<String> env = new java.util.ArrayList<>(List.of("env", "-i", "HOME=" + locked.resolve("home"),
                "PATH=" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
        if (System.getenv("JAVA_HOME") != null) {
            env.add("JAVA_HOME=" + System.getenv("JAVA_HOME"));
        }

        List<String> inspect = new java.util.ArrayList<>(env);
        inspect.addAll(List.of(Cli.LAUNCHER.toString(), "inspect", layout));
        Processes.Result result = Unprivileged.run(shared.resolve("peer-home"), inspect.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(new String(result.stdout(), StandardCharsets.UTF_8).contains(seed.digest().toString()), result.stderr());

        List<String> images = new java.util.ArrayList<>(env);
        images.addAll(List.of("JREG_HOME=" + locked.resolve("store"), Cli.LAUNCHER.toString(), "images", "-q"));
        result = Unprivileged.run(shared.resolve("peer-home"), images.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("", new String(result.stdout(), StandardCharsets.UTF_8));

        try (var made = Files.list(locked)) {
            assertEquals(List.of(), made.toList(), "no home, no store");
        }
    }

    /**
     * An ordinary user's unpack and commit through the launcher of an image with a directory of
     * mode 000: the unchanged directory makes no layer, also with {@code --checksum}; a file added
     * makes one; the closed directory keeps its mode.
     */
    @Test
    void anOrdinaryUserCommitsAnUnpackOfAnImageWithAClosedDirectory() throws Exception {
        String unprivileged = Unprivileged.unavailable();
        org.junit.jupiter.api.Assumptions.assumeTrue(unprivileged == null, unprivileged);
        Path work = Unprivileged.share(Files.createDirectories(Unprivileged.share(dir).resolve("closed-" + System.nanoTime())));
        Path layout = work.resolve("layout");
        TestImages.writeImage(OciLayout.open(layout), Reference.parse("localhost/closed:1"), AMD64,
                List.of(TestImages.gzipLayer(new dev.jreg.testing.TarBuilder().dir("etc").file("etc/a", "a").dir("z", 0)
                        .file("z/f", "f").tar())));
        Path rootfs = work.resolve("rootfs");
        String script = String.join(" && ", "set -e", Cli.LAUNCHER + " unpack -q oci:" + layout + ":localhost/closed:1 "
                + rootfs, Cli.LAUNCHER + " commit " + rootfs + " same:1", Cli.LAUNCHER + " commit --checksum " + rootfs
                + " same:2", "echo new > " + rootfs + "/etc/new", Cli.LAUNCHER + " commit --checksum " + rootfs + " new:1",
                "stat -c %a " + rootfs + "/z");
        Processes.Result result = Cli.shellAsUnprivileged(work.resolve("home"), work.resolve("store"), script);
        assertEquals(0, result.exitCode(), result.stderr());
        List<String> out = new String(result.stdout(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(4, out.size(), out + result.stderr());
        assertEquals("0", out.get(3));
        assertTrue(result.stderr().contains("Committed same:1: no changes in " + rootfs), result.stderr());
        assertTrue(result.stderr().contains("Committed same:2: no changes in " + rootfs), result.stderr());
        assertTrue(result.stderr().contains("Committed new:1: new layer "), result.stderr());
    }

    /** verify only reads: a store its user cannot write is checked, no lock file wanted. */
    @Test
    void verifyChecksAStoreTheUserCannotWrite() throws Exception {
        String unprivileged = Unprivileged.unavailable();
        org.junit.jupiter.api.Assumptions.assumeTrue(unprivileged == null, unprivileged);
        Path shared = Unprivileged.share(dir);
        Path store = shared.resolve("read-only-store-" + System.nanoTime());
        dev.jreg.testing.TestImages.writeImage(dev.jreg.internal.layout.LocalStore.open(store),
                dev.jreg.model.Reference.parse("ro/app:1"), dev.jreg.model.Platform.of("linux", "amd64", null),
                List.of(dev.jreg.testing.TestImages.layer(81, 5000)));
        List<Path> before;
        try (var files = Files.walk(store)) {
            before = files.sorted().toList();
            for (Path file : before) {
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString(
                        Files.isDirectory(file) ? "r-xr-xr-x" : "r--r--r--"));
            }
        }
        List<String> verify = new java.util.ArrayList<>(List.of("env", "-i", "HOME=" + shared.resolve("peer-home"),
                "PATH=" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "JREG_HOME=" + store));
        if (System.getenv("JAVA_HOME") != null) {
            verify.add("JAVA_HOME=" + System.getenv("JAVA_HOME"));
        }
        verify.addAll(List.of(Cli.LAUNCHER.toString(), "verify"));
        Processes.Result result = Unprivileged.run(shared.resolve("peer-home"), verify.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("Checked 3 blobs: store is clean\n", new String(result.stdout(), StandardCharsets.UTF_8), result.stderr());
        try (var files = Files.walk(store)) {
            assertEquals(before, files.sorted().toList(), "verify wrote nothing");
        }
    }

    /**
     * {@code export} of a layout's image through the launcher (Commons Compress in {@code lib/}),
     * read back by GNU tar: the flattened tree with its modes and link targets, no whiteout, and
     * the archive the in-process command writes, byte for byte.
     */
    @Test
    void exportWritesAnArchiveGnuTarReads() throws Exception {
        Path layout = dir.resolve("changesets-" + System.nanoTime());
        TestImages.writeImage(OciLayout.open(layout), Reference.parse("localhost/changes:1"), AMD64,
                dev.jreg.internal.layer.ChangesetLayers.image());
        Path archive = dir.resolve("changes-" + System.nanoTime() + ".tar");
        Cli.Result export = jreg().launch("export", "-o", archive.toString(), "oci:" + layout + ":localhost/changes:1");
        assertEquals(0, export.exitCode(), export::toString);
        assertEquals("", export.out(), export::toString);

        List<String> tar = List.of("tar", "-tvf", archive.toString());
        List<String> listing = new String(Processes.run(tar, java.time.Duration.ofMinutes(1)).assertOk(tar).stdout(),
                StandardCharsets.UTF_8).lines().toList();
        assertTrue(listing.stream().anyMatch(line -> line.startsWith("-rwsr-xr-x 0/0") && line.endsWith(" usr/bin/su")),
                String.join("\n", listing));
        assertTrue(listing.stream().anyMatch(line -> line.startsWith("lrwxrwxrwx 0/0")
                && line.endsWith(" etc/hostname -> /etc/hostname.real")), String.join("\n", listing));
        assertTrue(listing.stream().anyMatch(line -> line.startsWith("drwxr-x--- 0/0") && line.endsWith(" opt/app/")),
                String.join("\n", listing));
        assertTrue(listing.stream().noneMatch(line -> line.contains(".wh.") || line.contains("var/lib/data")),
                String.join("\n", listing));
        assertArrayEquals(new Cli(home, store).ok("export", "oci:" + layout + ":localhost/changes:1").bytes(),
                Files.readAllBytes(archive));
    }

    @Test
    void withoutTheCaInCertsDTheRegistryIsUnreachable() throws Exception {
        Cli.Result pull = jreg().launch("pull", "-q", basic.hostPort() + "/seed/app:1");
        assertEquals(5, pull.exitCode(), pull::toString);
        assertEquals(1, pull.err().lines().count(), pull::toString);
        assertTrue(pull.err().startsWith("jreg: cannot reach registry " + basic.hostPort() + ": its TLS certificate is not trusted"),
                pull::toString);
        assertTrue(pull.err().contains("certs.d/" + basic.hostPort() + "/ca.crt"), "says where the CA goes: " + pull);
        assertEquals("", pull.out(), pull::toString);
    }
}
