package dev.jreg.internal.registry;

import dev.jreg.UploadOptions;
import dev.jreg.error.RegistryException;
import dev.jreg.internal.store.BlobSource;
import dev.jreg.internal.store.ImageSink;
import dev.jreg.internal.store.VerifiedCopy;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * A registry repository as a sink: {@code HEAD} to skip blobs it has, cross-repository mounts
 * inside one registry, uploads, then manifests children first and the tag last. Every request
 * asks for {@code pull,push}, so the push token is in hand before any body is streamed.
 *
 * <p>An upload starts a session, then sends one monolithic {@code PUT ?digest=} streamed from the
 * source, or {@code PATCH} chunks in order followed by an empty {@code PUT}.
 */
final class RepositorySink implements ImageSink {
    /** Chunk size used when a registry refuses a monolithic upload. */
    private static final long FALLBACK_CHUNK = 16L * 1024 * 1024;
    /** Bytes okio keeps in its segment pool (per thread bucket) for reuse. */
    private static final int OKIO_POOL = 64 * 1024;

    private static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");
    /** Statuses with which registries or proxies refuse a large single PUT; chunks may still pass. */
    private static final Set<Integer> MONOLITHIC_REFUSED = Set.of(405, 411, 413, 415, 501);

    private final RegistryClient client;
    private final Reference target;
    private final UploadOptions options;
    private final Scope scope;
    /** Told of each manifest written whose subject the registry did not index. */
    private final Consumer<ManifestBlob> unindexed;
    /** Upload sessions a refused mount (202) opened, to be used by the following upload. */
    private final Map<Digest, Session> openedByMount = new ConcurrentHashMap<>();

    /** An upload session: where to send bytes next, and the registry's minimum chunk size. */
    record Session(HttpUrl location, long minChunk) {
    }

    RepositorySink(RegistryClient client, Reference target, UploadOptions options, Consumer<ManifestBlob> unindexed) {
        this.client = client;
        this.unindexed = unindexed;
        this.target = target;
        this.options = options;
        this.scope = Scope.pullPush(target.repository());
    }

    @Override
    public boolean hasBlob(Descriptor descriptor) throws IOException {
        return client.blobExists(target, descriptor, scope);
    }

    @Override
    public Optional<Reference> mountBlob(Descriptor descriptor, List<Reference> origins) throws IOException {
        // Mounts work only inside one registry; the first origin there is tried once.
        Optional<Reference> origin = origins.stream()
                .filter(o -> o.registry().equals(target.registry()) && !o.repository().equals(target.repository()))
                .findFirst();
        if (origin.isEmpty()) {
            return Optional.empty();
        }
        HttpUrl url = uploadsUrl().newBuilder()
                .addQueryParameter("mount", descriptor.digest().toString())
                .addQueryParameter("from", origin.get().repository())
                .build();
        Scope mountScope = scope.and(Scope.pull(origin.get().repository()));
        Request.Builder request = new Request.Builder().url(url).post(RequestBody.create(new byte[0], null));
        try (Response response = execute(request, mountScope)) {
            if (response.code() == 201) {
                return origin;
            }
            if (response.code() == 202) {
                openedByMount.put(descriptor.digest(), session(response));
            }
            // Anything else (Harbor's 401, a 404 for an unknown source): upload as usual.
            return Optional.empty();
        }
    }

    @Override
    public Optional<Reference> repository() {
        return Optional.of(target);
    }

    @Override
    public void putBlob(Descriptor descriptor, BlobSource content) throws IOException {
        Session session = openedByMount.remove(descriptor.digest());
        upload(session != null ? session : start(), descriptor, content);
    }

    @Override
    public void putManifest(ManifestBlob manifest) throws IOException {
        put(manifest.digest().toString(), manifest);
    }

    @Override
    public boolean commit(ManifestBlob top) throws IOException {
        Optional<Descriptor> before = target.tag() == null ? Optional.empty()
                : client.headManifest(target.withTag(target.tag()));
        put(target.tag() != null ? target.tag() : top.digest().toString(), top);
        return before.map(d -> !d.digest().equals(top.digest())).orElse(true);
    }

    private void put(String tagOrDigest, ManifestBlob manifest) throws IOException {
        if (!client.putManifest(target, tagOrDigest, manifest, scope)) {
            unindexed.accept(manifest);
        }
    }

    @Override
    public String describe() {
        return target.name();
    }

    private HttpUrl uploadsUrl() throws IOException {
        return RegistryClient.url(client.host(target), target.repository(), "blobs/uploads/").build();
    }

    private Response execute(Request.Builder request, Scope scope) throws IOException {
        return client.http().execute(client.host(target), request, scope);
    }

    /** {@link RegistryHttp#expect} in the push scope. */
    private Response expect(Request.Builder request, String what, Integer... expected) throws IOException {
        return client.http().expect(client.host(target), request, scope, what, expected);
    }

    /** Starts a session with {@code POST …/blobs/uploads/}. */
    private Session start() throws IOException {
        Request.Builder request = new Request.Builder().url(uploadsUrl()).post(RequestBody.create(new byte[0], null));
        try (Response response = expect(request, target.name(), 202)) {
            return session(response);
        }
    }

    /** The session an answer describes; the Location may be relative and keeps its query. */
    private Session session(Response response) throws IOException {
        String location = response.header("Location");
        HttpUrl url = location == null ? null : response.request().url().resolve(location);
        if (url == null) {
            throw new RegistryException(target.name() + ": upload answer has no usable Location", response.code(),
                    response.request().method(), Errors.redact(response.request().url()), List.of());
        }
        long minChunk = 0;
        String min = response.header("OCI-Chunk-Min-Length");
        if (min != null) {
            try {
                minChunk = Math.min(Long.parseLong(min.trim()), UploadOptions.MAX_CHUNK);
            } catch (NumberFormatException ignored) {
                // A malformed hint is no reason to fail the upload.
            }
        }
        return new Session(url, minChunk);
    }

    /**
     * Uploads a blob into a started session, monolithic or in chunks. A source that sends fewer or
     * more bytes than the descriptor's size fails with a {@link dev.jreg.error.DigestMismatchException}
     * before the upload is completed; a failed upload is cancelled, so the registry keeps no part.
     */
    private void upload(Session session, Descriptor blob, BlobSource content) throws IOException {
        if (options.chunkSize() > 0) {
            chunked(session, blob, content, Math.max(options.chunkSize(), session.minChunk()));
            return;
        }
        try {
            monolithic(session, blob, content);
            return;
        } catch (IOException e) {
            if (!(e instanceof RegistryException refused && MONOLITHIC_REFUSED.contains(refused.status()))) {
                cancel(session.location(), e);
                throw e;
            }
        }
        // The refused session may be dead: start again, this time in chunks.
        Session fresh = start();
        chunked(fresh, blob, content, Math.max(FALLBACK_CHUNK, fresh.minChunk()));
    }

    /**
     * Cancels an upload session ({@code DELETE <location>}), so that a failed upload leaves no
     * partial blob at the registry; a cancellation that fails is recorded on the failure it follows.
     */
    private void cancel(HttpUrl location, IOException failure) {
        try (Response ignored = execute(new Request.Builder().url(location).delete(), scope)) {
            // Any answer will do: the session is gone, or the registry will expire it.
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private void monolithic(Session session, Descriptor blob, BlobSource content) throws IOException {
        RequestBody body = new RequestBody() {
            @Override
            public MediaType contentType() {
                return OCTET_STREAM;
            }

            @Override
            public long contentLength() {
                return blob.size();
            }

            @Override
            public boolean isOneShot() {
                return true;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                // Large reads, handed to okio in slices no bigger than its segment pool (64 KB):
                // each slice's segments go to the socket and back to the pool before the next,
                // where a larger write would allocate segments that end as garbage.
                // A source of the wrong size fails before the PUT ends, and before OkHttp finds the
                // body short of its Content-Length, which it reports without naming the blob.
                byte[] buffer = new byte[256 * 1024];
                try (InputStream in = VerifiedCopy.sized(content.open(), blob, null, 0)) {
                    for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0;) {
                        for (int sent = 0; sent < n; sent += OKIO_POOL) {
                            sink.write(buffer, sent, Math.min(OKIO_POOL, n - sent));
                        }
                    }
                }
            }
        };
        finish(session.location(), blob, body);
    }

    private void chunked(Session session, Descriptor blob, BlobSource content, long chunkSize) throws IOException {
        HttpUrl location = session.location();
        byte[] buffer = new byte[(int) Math.min(chunkSize, Math.max(blob.size(), 1))];
        long offset = 0;
        try {
            try (InputStream in = VerifiedCopy.sized(content.open(), blob, null, 0)) {
                // The size is checked at the end, so a short source fails here, a longer one after the last chunk.
                for (int length; (length = in.readNBytes(buffer, 0, buffer.length)) > 0;) {
                    location = patch(location, buffer, length, offset);
                    offset += length;
                }
            }
            finish(location, blob, RequestBody.create(new byte[0], OCTET_STREAM));
        } catch (IOException e) {
            cancel(location, e);
            throw e;
        }
    }

    /** Sends one chunk; on 416 asks the registry how much it has and resends the rest of this chunk. */
    private HttpUrl patch(HttpUrl location, byte[] chunk, int length, long offset) throws IOException {
        int start = 0;
        HttpUrl current = location;
        for (int attempt = 0; attempt < 3; attempt++) {
            long first = offset + start;
            long last = offset + length - 1;
            Request.Builder request = new Request.Builder().url(current)
                    .header("Content-Range", first + "-" + last)
                    .patch(RequestBody.create(chunk, OCTET_STREAM, start, length - start));
            try (Response response = execute(request, scope)) {
                if (response.code() == 202 || response.code() == 204) {
                    return session(response).location();
                }
                if (response.code() != 416) {
                    throw Errors.of(response, target.name());
                }
            }
            long received = receivedBytes(current);
            if (received < offset || received > offset + length) {
                throw new IOException(target.name() + ": registry holds " + received + " bytes of the upload,"
                        + " outside the chunk " + offset + "-" + last + " being sent; cannot resume");
            }
            if (received == offset + length) {
                return current;
            }
            start = (int) (received - offset);
        }
        throw new IOException(target.name() + ": registry kept refusing the chunk at " + offset);
    }

    /** How many bytes the session holds, from {@code GET <location>}'s {@code Range: 0-N}. */
    private long receivedBytes(HttpUrl location) throws IOException {
        try (Response response = expect(new Request.Builder().url(location).get(), target.name(), 204, 200)) {
            String range = response.header("Range");
            if (range == null) {
                return 0;
            }
            String end = range.substring(range.indexOf('-') + 1).trim();
            try {
                return Long.parseLong(end) + 1;
            } catch (NumberFormatException e) {
                throw new IOException(target.name() + ": registry sent an unreadable Range \"" + range + "\"");
            }
        }
    }

    private void finish(HttpUrl location, Descriptor blob, RequestBody body) throws IOException {
        HttpUrl url = location.newBuilder().addQueryParameter("digest", blob.digest().toString()).build();
        expect(new Request.Builder().url(url).put(body), target.name() + ": upload of " + blob.digest(), 201, 204, 200)
                .close();
    }
}
