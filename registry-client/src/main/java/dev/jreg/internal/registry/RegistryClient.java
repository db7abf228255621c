package dev.jreg.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.RegistryOptions;
import dev.jreg.UploadOptions;
import dev.jreg.auth.Credentials;
import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.InvalidContentException;
import dev.jreg.error.NotFoundException;
import dev.jreg.error.UnauthorizedException;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.store.BlobRange;
import dev.jreg.internal.store.ImageSink;
import dev.jreg.internal.store.ImageSource;
import dev.jreg.internal.store.VerifiedCopy;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * A client for the OCI Distribution API of any number of registries. Thread-safe; create one
 * per process and share it, so connections and tokens are reused.
 */
public final class RegistryClient {
    /** Every manifest type jreg reads, so registries never down-convert or pick a platform for us. */
    static final String MANIFEST_ACCEPT = List.of(MediaType.OCI_INDEX, MediaType.OCI_MANIFEST, MediaType.DOCKER_LIST,
            MediaType.DOCKER_MANIFEST).stream().map(MediaType::value).collect(Collectors.joining(", "));

    private static final long MAX_LIST_PAGE = 16L * 1024 * 1024;
    /** ECR refuses larger pages; every registry takes this one. */
    private static final int MAX_PAGE_SIZE = 1000;

    private final RegistryHttp http;
    private final Consumer<String> notices;

    /** @param options credentials, insecure hosts, timeouts */
    public RegistryClient(RegistryOptions options) {
        this(options, line -> { });
    }

    /**
     * @param options credentials, insecure hosts, timeouts
     * @param notices receives one-line warnings for the user (entries of a listing skipped)
     */
    public RegistryClient(RegistryOptions options, Consumer<String> notices) {
        this(options, notices, null);
    }

    /**
     * @param options credentials, insecure hosts, timeouts
     * @param notices receives one-line warnings for the user (entries of a listing skipped)
     * @param pullLimits null, or the pull budgets manifest {@code GET}s wait for
     */
    public RegistryClient(RegistryOptions options, Consumer<String> notices, PullLimits pullLimits) {
        this.http = new RegistryHttp(options, pullLimits);
        this.notices = notices;
    }

    /**
     * Checks credentials against a registry the way {@code docker login} does: a token request
     * for a Bearer registry, an authenticated {@code /v2/} for a Basic one; an open registry
     * accepts anything.
     *
     * @throws UnauthorizedException when the registry refuses them
     */
    public void checkCredentials(String registry, Credentials credentials) throws IOException {
        HostState probe = http.probe(registry, Reference.apiHostOf(registry), Optional.of(credentials));
        Challenge challenge = probe.challenge();
        if (challenge == null) {
            return;
        }
        if (challenge.isBearer()) {
            probe.authorization(null, null, true);
            return;
        }
        Request.Builder request = new Request.Builder().url(probe.base().resolve("/v2/"));
        try (Response response = http.execute(probe, request, null)) {
            if (response.code() == 401 || response.code() == 403) {
                throw new UnauthorizedException(registry + ": incorrect username or password", response.code(), "GET",
                        Errors.redact(request.build().url()), List.of());
            }
            if (!response.isSuccessful()) {
                throw Errors.of(response, registry);
            }
        }
    }

    /**
     * A file fetched from a web server, as {@code ADD https://…} fetches one: a {@code GET} through
     * the client registries are reached by (proxies, the system's CAs, retries, redirects
     * followed), with no credentials.
     *
     * @param body the file's bytes, for the caller to read and close
     * @param lastModified the answer's {@code Last-Modified} header, or null
     */
    public record Fetched(InputStream body, String lastModified) {
    }

    /**
     * Fetches a file over HTTP or HTTPS.
     *
     * @param url an {@code http://} or {@code https://} URL
     * @throws IllegalArgumentException when the text is no such URL
     * @throws NotFoundException for the server's 404
     * @throws dev.jreg.error.RegistryException for another answer that is not a success
     * @throws IOException when the server cannot be reached
     */
    public Fetched fetch(String url) throws IOException {
        HttpUrl parsed = HttpUrl.parse(url);
        if (parsed == null) {
            throw new IllegalArgumentException("not an http or https URL: " + url);
        }
        Response response = http.get(parsed);
        if (!response.isSuccessful()) {
            throw Errors.of(response, Errors.redact(parsed));
        }
        return new Fetched(response.body().byteStream(), response.header("Last-Modified"));
    }

    /** A source that reads from the repository of this reference. */
    public ImageSource source(Reference reference) {
        return new RepositorySource(this, reference);
    }

    /**
     * A sink that writes into the repository of this reference and names the result by its tag
     * (or only by digest when the reference has none).
     */
    public ImageSink sink(Reference reference, UploadOptions uploads) {
        return new RepositorySink(this, reference, uploads, manifest -> { });
    }

    /**
     * {@link #sink}, telling {@code unindexed} of each manifest written that has a {@code subject}
     * the registry did not index (no {@code OCI-Subject} in its answer): a registry without the
     * referrers API, where the client keeps the referrers tag ({@link #addToReferrersTag}).
     */
    public ImageSink sink(Reference reference, UploadOptions uploads, Consumer<ManifestBlob> unindexed) {
        return new RepositorySink(this, reference, uploads, unindexed);
    }

    /**
     * Resolves a tag or digest with {@code HEAD}, which Docker Hub does not count against its
     * pull limit; a registry that refuses {@code HEAD} is asked with {@code GET}.
     *
     * @return the manifest's descriptor, or empty when the registry has no such manifest
     */
    public Optional<Descriptor> headManifest(Reference reference) throws IOException {
        HostState host = host(reference);
        try (Response response = headOrGet(host, manifestRequest(host, reference), Scope.pull(reference.repository()),
                reference.toString(), true)) {
            if (response == null) {
                return Optional.empty();
            }
            if (response.request().method().equals("GET")) {
                return Optional.of(manifestOf(response, reference).descriptor());
            }
            String digest = response.header("Docker-Content-Digest");
            String type = response.header("Content-Type");
            String length = response.header("Content-Length");
            if (digest != null && type != null && length != null) {
                try {
                    return Optional.of(Descriptor.of(MediaType.of(type), Digest.parse(digest), Long.parseLong(length)));
                } catch (IllegalArgumentException unreadable) {
                    // as if not sent
                }
            }
            // Not every registry sends these on HEAD; the bytes themselves always tell.
            return Optional.of(manifest(reference).descriptor());
        }
    }

    /**
     * A {@code HEAD}, sent again as a {@code GET} when the registry answers anything but success,
     * 401, 404 or 429: some registries and proxies refuse {@code HEAD} (405) where {@code GET}
     * works, and crane and docker fall back the same way. A rate limit is an answer, and a
     * {@code GET} would only spend more of it (Docker Hub counts manifest GETs, not HEADs).
     *
     * @param what what is asked for, for the error's message
     * @param body false to drop the {@code GET}'s body unread: a blob is not downloaded to learn
     *     its size
     * @return the successful answer, or null when the registry has no such thing (404)
     */
    private Response headOrGet(HostState host, Request.Builder request, Scope scope, String what, boolean body)
            throws IOException {
        Response response = http.execute(host, request.head(), scope);
        if (!response.isSuccessful() && response.code() != 401 && response.code() != 404 && response.code() != 429) {
            response.close();
            request.get();
            response = body ? http.execute(host, request, scope) : http.executeForHeaders(host, request, scope);
        }
        if (response.code() == 404) {
            response.close();
            return null;
        }
        if (!response.isSuccessful()) {
            throw Errors.of(response, what);
        }
        return response;
    }

    /**
     * The manifests that name {@code subject} as theirs, through the referrers API (OCI
     * distribution spec 1.1, "Listing Referrers": {@code GET /v2/NAME/referrers/DIGEST}, an image
     * index whose {@code manifests} are their descriptors).
     *
     * @return their descriptors; empty when the registry has no such API (its 404), where the
     *     spec sends clients to the referrers tag schema instead
     * @throws InvalidContentException when the answer is not an image index
     */
    public Optional<List<Descriptor>> referrers(Reference repository, Digest subject) throws IOException {
        HostState host = host(repository);
        Request.Builder request = new Request.Builder()
                .url(url(host, repository.repository(), "referrers").addPathSegment(subject.toString()).build())
                .header("Accept", MediaType.OCI_INDEX.value());
        try (Response response = http.execute(host, request, Scope.pull(repository.repository()))) {
            if (response.code() == 404) {
                return Optional.empty();
            }
            if (!response.isSuccessful()) {
                throw Errors.of(response, "referrers of " + repository.name() + "@" + subject);
            }
            String what = "referrers of " + subject;
            ManifestBlob index = ManifestBlob.of(readCapped(response, ManifestBlob.MAX_SIZE, what),
                    MediaType.OCI_INDEX.value());
            if (!(index.manifest() instanceof ImageIndex list)) {
                throw new InvalidContentException(what + " is not an image index");
            }
            return Optional.of(list.manifests());
        }
    }

    /**
     * Every tag of a repository, following {@code Link} pagination. Entries of the list that are
     * not non-empty strings (null, numbers, objects, {@code ""}, as some registries send) are
     * skipped, with one warning to the notices for the whole listing.
     */
    public List<String> tags(Reference repository) throws IOException {
        return tags(repository, 0);
    }

    /**
     * Tags of a repository, following {@code Link} pagination.
     *
     * @param limit at most this many; 0 for all. Only with a limit is a page size asked for, and
     *     never above 1000, which some registries refuse
     */
    public List<String> tags(Reference repository, int limit) throws IOException {
        HostState host = host(repository);
        return listPages(host, url(host, repository.repository(), "tags/list"), limit,
                Scope.pull(repository.repository()), "tags", repository.name());
    }

    /**
     * The repositories of a registry ({@code /v2/_catalog}), following {@code Link} pagination.
     * Many registries refuse it (Docker Hub, GHCR); that is an {@link UnauthorizedException} or
     * {@link NotFoundException} saying so. Entries that are not non-empty strings are skipped as
     * {@link #tags(Reference)} skips them.
     *
     * @param registry the registry, as in references ({@code localhost:5000})
     * @param limit at most this many; 0 for all
     */
    public List<String> catalog(String registry, int limit) throws IOException {
        HostState host = http.host(registry, Reference.apiHostOf(registry), null);
        HttpUrl.Builder url = host.base().newBuilder().addPathSegments("v2/_catalog");
        try {
            return listPages(host, url, limit, new Scope(List.of("registry:catalog:*")), "repositories", registry);
        } catch (UnauthorizedException e) {
            throw new UnauthorizedException(registry + " does not let this user list its catalog ("
                    + Errors.statusText(e.status()) + ")", e.status(), e.method(), e.url(), e.errors());
        } catch (NotFoundException e) {
            throw new NotFoundException(registry + " does not offer a catalog (HTTP 404)", e.status(), e.method(),
                    e.url(), e.errors());
        }
    }

    private List<String> listPages(HostState host, HttpUrl.Builder first, int limit, Scope scope, String field,
            String what) throws IOException {
        if (limit > 0) {
            first.addQueryParameter("n", Integer.toString(Math.min(limit, MAX_PAGE_SIZE)));
        }
        HttpUrl next = first.build();
        List<String> items = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Set<HttpUrl> seen = new HashSet<>();
        while (next != null && (limit <= 0 || items.size() < limit)) {
            if (!seen.add(next)) {
                throw new InvalidContentException(what + ": the registry's next-page link leads back to a page already"
                        + " read, so the list cannot be trusted to be whole");
            }
            try (Response response = http.expect(host, new Request.Builder().url(next), scope, what)) {
                byte[] body = readCapped(response, MAX_LIST_PAGE, field + " of " + what);
                List<String> page = page(body, field, what, skipped);
                items.addAll(limit <= 0 ? page : page.subList(0, Math.min(page.size(), limit - items.size())));
                next = LinkHeader.next(response, field + " of " + what);
            }
        }
        if (!skipped.isEmpty()) {
            int n = skipped.size();
            notices.accept("warning: " + what + ": skipped " + n + (n == 1 ? " entry" : " entries") + " of \"" + field
                    + "\" that " + (n == 1 ? "is not a name" : "are not names") + " ("
                    + String.join(", ", new TreeSet<>(skipped)) + ")");
        }
        return items;
    }

    /**
     * The names of one page of a listing ({@code tags}, {@code repositories}); a missing or null
     * list is an empty page. A page that is not a JSON object is an error, never an empty list.
     * Entries that are not names in distribution's grammar (null, numbers, objects, {@code ""}, a
     * tag with a space or a control character, a repository in capitals) are skipped rather than
     * failing the listing (or becoming a tag named {@code null}, or reaching a terminal), and
     * added to {@code skipped}, what each was, so that the listing ends with one warning, not one
     * per entry.
     */
    private static List<String> page(byte[] body, String field, String what, List<String> skipped)
            throws InvalidContentException {
        JsonNode page;
        try {
            page = Json.parse(body);
        } catch (IOException e) {
            throw new InvalidContentException(field + " of " + what + " is not valid JSON", e);
        }
        if (page == null || !page.isObject()) {
            throw new InvalidContentException(field + " of " + what + ": the registry's answer is "
                    + (page == null || page.isMissingNode() ? "empty" : kind(page)) + ", not a JSON object");
        }
        JsonNode values = page.get(field);
        if (values != null && !values.isNull() && !values.isArray()) {
            throw new InvalidContentException(field + " of " + what + " is not a JSON array");
        }
        boolean tags = field.equals("tags");
        List<String> names = new ArrayList<>();
        for (JsonNode value : values == null ? List.<JsonNode>of() : values) {
            String text = value.textValue();
            if (text != null && (tags ? Reference.isTag(text) : Reference.isRepositoryPath(text))) {
                names.add(text);
            } else {
                skipped.add(text == null ? kind(value) : text.isEmpty() ? "an empty string"
                        : tags ? "an invalid tag" : "an invalid repository name");
            }
        }
        return names;
    }

    private static String kind(JsonNode value) {
        return value.isNull() ? "null" : value.isNumber() ? "a number"
                : "a JSON " + value.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /**
     * Deletes a manifest by digest or, where the registry allows it, by tag.
     */
    public void deleteManifest(Reference reference) throws IOException {
        HostState host = host(reference);
        Request.Builder request = request(host, reference, "manifests", reference.tagOrDigest()).delete();
        http.expect(host, request, new Scope(List.of("repository:" + reference.repository() + ":delete"))
                .and(Scope.pullPush(reference.repository())), reference.toString()).close();
    }

    /** The size of a blob from {@code HEAD}, or empty when the repository does not have it. */
    public Optional<Long> blobSize(Reference repository, Digest digest) throws IOException {
        Optional<Headers> headers = blobHeaders(repository, digest, Scope.pull(repository.repository()));
        if (headers.isEmpty()) {
            return Optional.empty();
        }
        String length = headers.get().get("Content-Length");
        if (length == null) {
            throw new InvalidContentException(repository.name() + "@" + digest + ": registry sent no Content-Length");
        }
        return Optional.of(Long.parseLong(length));
    }

    /** True when the repository holds the blob ({@code HEAD}), asked in the given scope. */
    boolean blobExists(Reference repository, Descriptor blob, Scope scope) throws IOException {
        return blobHeaders(repository, blob.digest(), scope).isPresent();
    }

    /** The headers of a blob's {@code HEAD} (or bodiless {@code GET}), or empty when the repository lacks it. */
    private Optional<Headers> blobHeaders(Reference repository, Digest digest, Scope scope) throws IOException {
        HostState host = host(repository);
        try (Response response = headOrGet(host, blobRequest(host, repository, digest), scope,
                repository.name() + "@" + digest, false)) {
            return Optional.ofNullable(response).map(Response::headers);
        }
    }

    /**
     * Uploads a manifest under a tag or digest; the registry's digest must be ours.
     *
     * @return false when the manifest has a {@code subject} and the registry did not answer with
     *     {@code OCI-Subject}, so it did not index it as a referrer (OCI distribution spec 1.1,
     *     "Pushing Manifests with Subject"); true otherwise
     */
    boolean putManifest(Reference repository, String tagOrDigest, ManifestBlob manifest, Scope scope)
            throws IOException {
        HostState host = host(repository);
        Request.Builder request = request(host, repository, "manifests", tagOrDigest)
                .put(RequestBody.create(manifest.bytes(), okhttp3.MediaType.get(manifest.mediaType().value())));
        try (Response response = http.expect(host, request, scope, repository.name() + ":" + tagOrDigest)) {
            String digest = response.header("Docker-Content-Digest");
            if (digest != null && !digest.equals(manifest.digest().toString())) {
                throw new DigestMismatchException("registry stored manifest " + repository.name() + ":" + tagOrDigest
                        + " as " + digest + ", not " + manifest.digest());
            }
            return subjectOf(manifest) == null || response.header("OCI-Subject") != null;
        }
    }

    /** The manifest's {@code subject}, or null. */
    private static Descriptor subjectOf(ManifestBlob manifest) {
        return manifest.manifest() instanceof ImageManifest image ? image.subject()
                : ((ImageIndex) manifest.manifest()).subject();
    }

    /**
     * A manifest's descriptor as a referrers list gives it (OCI distribution spec 1.1, "Listing
     * Referrers"): with its annotations, and its {@code artifactType}, else for an image its
     * config's media type.
     */
    public static Descriptor asReferrer(ManifestBlob manifest) {
        Descriptor d = manifest.descriptor();
        String type = manifest.manifest() instanceof ImageManifest image
                ? image.artifactType() != null ? image.artifactType() : image.config().mediaType().value()
                : manifest.manifest() instanceof ImageIndex index ? index.artifactType() : null;
        return new Descriptor(d.mediaType(), d.digest(), d.size(), null, manifest.manifest().annotations(), List.of(),
                type);
    }

    /**
     * Adds a manifest that has a {@code subject} to the subject's referrers tag ({@code
     * sha256-HEX}) in a repository, as the spec asks of clients that push one to a registry
     * without the referrers API (OCI distribution spec 1.1, "Pushing Manifests with Subject"): the
     * index the tag names is read (none yet: an empty one), the manifest's descriptor appended
     * unless one of its digest is there, with its {@code artifactType} (the config's media type
     * for an image) and annotations, and the index written back under the tag.
     *
     * @param repository the repository holding the subject
     * @param referrer the manifest pushed, which names its subject
     * @throws InvalidContentException when the tag names something other than an image index
     */
    public void addToReferrersTag(Reference repository, ManifestBlob referrer) throws IOException {
        Digest subject = subjectOf(referrer).digest();
        Reference tag = repository.withTag(subject.algorithm() + "-" + subject.hex());
        Optional<Descriptor> current = headManifest(tag);
        List<Descriptor> listed = new ArrayList<>();
        if (current.isPresent()) {
            if (!(manifest(tag).manifest() instanceof ImageIndex index)) {
                throw new InvalidContentException(tag + " is not an image index, so it is no referrers list");
            }
            listed.addAll(index.manifests());
        }
        if (listed.stream().anyMatch(d -> d.digest().equals(referrer.digest()))) {
            return;
        }
        listed.add(asReferrer(referrer));
        ManifestBlob index = ManifestBlob.create(new ImageIndex(2, MediaType.OCI_INDEX, null, List.copyOf(listed),
                null, Map.of()));
        putManifest(tag, tag.tag(), index, Scope.pullPush(repository.repository()));
    }

    RegistryHttp http() {
        return http;
    }

    /**
     * Fetches a manifest by the reference's digest (verified) or tag, reading at most
     * {@link ManifestBlob#MAX_SIZE} bytes.
     */
    public ManifestBlob manifest(Reference reference) throws IOException {
        HostState host = host(reference);
        try (Response response = http.expect(host, manifestRequest(host, reference), Scope.pull(reference.repository()),
                reference.toString())) {
            return manifestOf(response, reference);
        }
    }

    /** The manifest in a successful answer's body, verified against the reference's digest if it has one. */
    private static ManifestBlob manifestOf(Response response, Reference reference) throws IOException {
        byte[] bytes = readCapped(response, ManifestBlob.MAX_SIZE, "manifest " + reference);
        String contentType = response.header("Content-Type");
        return reference.digest() != null ? ManifestBlob.of(bytes, contentType, reference.digest())
                : ManifestBlob.of(bytes, contentType);
    }

    /**
     * Opens a blob. The stream is the raw body; its size is checked against the descriptor when
     * the registry states a length, and the reader verifies the digest.
     */
    public InputStream blob(Reference repository, Descriptor blob) throws IOException {
        return blobFrom(repository, blob, 0).stream();
    }

    /**
     * Opens a blob from an offset with {@code Range}. Only a 206 whose {@code Content-Range}
     * starts at that offset and covers the rest is taken as a resume; a 200 (range ignored) starts
     * over at 0, as does a range the registry cannot satisfy.
     */
    public BlobRange blobFrom(Reference repository, Descriptor blob, long offset) throws IOException {
        HostState host = host(repository);
        Scope scope = Scope.pull(repository.repository());
        Request.Builder request = blobRequest(host, repository, blob.digest());
        if (offset > 0) {
            Response response = http.execute(host, request.header("Range", "bytes=" + offset + "-"), scope);
            if (response.code() == 206 && ("bytes " + offset + "-" + (blob.size() - 1) + "/" + blob.size())
                    .equals(response.header("Content-Range"))) {
                return new BlobRange(closingStream(response), offset);
            }
            if (response.code() == 200) {
                return new BlobRange(checkedStream(response, repository, blob), 0);
            }
            response.close();
            request.removeHeader("Range");
        }
        Response response = http.expect(host, request, scope, repository.name() + "@" + blob.digest());
        return new BlobRange(checkedStream(response, repository, blob), 0);
    }

    private static InputStream checkedStream(Response response, Reference repository, Descriptor blob)
            throws IOException {
        long length = response.body().contentLength();
        if (length >= 0 && length != blob.size()) {
            response.close();
            throw VerifiedCopy.wrongSize(blob.digest(), repository.name(), blob.size(), length + " (its Content-Length)");
        }
        return closingStream(response);
    }

    private static InputStream closingStream(Response response) {
        return new FilterInputStream(response.body().byteStream()) {
            @Override
            public void close() {
                response.close();
            }
        };
    }

    HostState host(Reference reference) throws IOException {
        return http.host(reference.registry(), reference.apiHost(), reference.repository());
    }

    /** {@code /v2/REPOSITORY/} followed by these path segments ({@code tags/list}). */
    static HttpUrl.Builder url(HostState host, String repository, String segments) {
        return host.base().newBuilder().addPathSegment("v2").addPathSegments(repository).addPathSegments(segments);
    }

    /** A request for {@code /v2/REPOSITORY/KIND/TAG_OR_DIGEST}, where kind is manifests or blobs. */
    private static Request.Builder request(HostState host, Reference repository, String kind, String tagOrDigest) {
        return new Request.Builder().url(url(host, repository.repository(), kind).addPathSegment(tagOrDigest).build());
    }

    private static Request.Builder manifestRequest(HostState host, Reference reference) {
        return request(host, reference, "manifests", reference.tagOrDigest()).header("Accept", MANIFEST_ACCEPT);
    }

    /**
     * A blob's request with {@code Accept-Encoding: identity}: layers are compressed already, and
     * identity keeps OkHttp from transparently re-decoding, so that a stated length is the blob's.
     */
    private static Request.Builder blobRequest(HostState host, Reference repository, Digest digest) {
        return request(host, repository, "blobs", digest.toString()).header("Accept-Encoding", "identity");
    }

    private static byte[] readCapped(Response response, long max, String what) throws IOException {
        long declared = response.body().contentLength();
        if (declared > max) {
            throw new InvalidContentException(what + " is " + declared + " bytes, over the " + max + "-byte limit");
        }
        BufferedSource source = response.body().source();
        if (source.request(max + 1)) {
            throw new InvalidContentException(what + " is over the " + max + "-byte limit");
        }
        return source.readByteArray();
    }

    /** One repository of a registry, as an image source. */
    private record RepositorySource(RegistryClient client, Reference reference) implements ImageSource {
        @Override
        public ManifestBlob manifest(String tagOrDigest) throws IOException {
            return client.manifest(reference.at(tagOrDigest));
        }

        @Override
        public InputStream blob(Descriptor descriptor) throws IOException {
            return client.blob(reference, descriptor);
        }

        @Override
        public BlobRange blobFrom(Descriptor descriptor, long offset) throws IOException {
            return client.blobFrom(reference, descriptor, offset);
        }

        @Override
        public String describe() {
            return reference.name();
        }

        @Override
        public List<Reference> originsOf(Descriptor descriptor) {
            return List.of(reference);
        }
    }
}
