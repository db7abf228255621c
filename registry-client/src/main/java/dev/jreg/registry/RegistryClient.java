package dev.jreg.registry;

import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.InvalidContentException;
import dev.jreg.model.Descriptor;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import dev.jreg.store.ImageSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import okhttp3.Request;
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

    private final RegistryHttp http;

    /** @param options credentials, insecure hosts, timeouts */
    public RegistryClient(RegistryOptions options) {
        this.http = new RegistryHttp(options);
    }

    /** A source that reads from the repository of this reference. */
    public ImageSource source(Reference reference) {
        return new RepositorySource(reference);
    }

    /**
     * Fetches a manifest by the reference's digest (verified) or tag, reading at most
     * {@link ManifestBlob#MAX_SIZE} bytes.
     */
    public ManifestBlob manifest(Reference reference) throws IOException {
        HostState host = host(reference);
        Request.Builder request = new Request.Builder()
                .url(url(host, reference.repository(), "manifests", reference.tagOrDigest()))
                .header("Accept", MANIFEST_ACCEPT);
        try (Response response = http.execute(host, request, Scope.pull(reference.repository()))) {
            if (!response.isSuccessful()) {
                throw Errors.of(response, reference.toString());
            }
            byte[] bytes = readCapped(response, ManifestBlob.MAX_SIZE, "manifest " + reference);
            String contentType = response.header("Content-Type");
            return reference.digest() != null ? ManifestBlob.of(bytes, contentType, reference.digest())
                    : ManifestBlob.of(bytes, contentType);
        }
    }

    /**
     * Opens a blob. The stream is the raw body; its size is checked against the descriptor when
     * the registry states a length, and the reader verifies the digest.
     */
    public InputStream blob(Reference repository, Descriptor blob) throws IOException {
        HostState host = host(repository);
        // Layers are compressed already; identity keeps OkHttp from transparently re-decoding and
        // lets the stated length be checked against the descriptor.
        Request.Builder request = new Request.Builder()
                .url(url(host, repository.repository(), "blobs", blob.digest().toString()))
                .header("Accept-Encoding", "identity");
        Response response = http.execute(host, request, Scope.pull(repository.repository()));
        if (!response.isSuccessful()) {
            throw Errors.of(response, repository.name() + "@" + blob.digest());
        }
        long length = response.body().contentLength();
        if (length >= 0 && length != blob.size()) {
            response.close();
            throw new DigestMismatchException("blob " + blob.digest() + " from " + repository.name() + " is " + length
                    + " bytes, but its descriptor says " + blob.size());
        }
        return new FilterInputStream(response.body().byteStream()) {
            @Override
            public void close() {
                response.close();
            }
        };
    }

    private HostState host(Reference reference) throws IOException {
        return http.host(reference.registry(), reference.apiHost());
    }

    private static HttpUrl url(HostState host, String repository, String kind, String tagOrDigest) {
        return host.base().newBuilder()
                .addPathSegment("v2")
                .addPathSegments(repository)
                .addPathSegment(kind)
                .addPathSegment(tagOrDigest)
                .build();
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
    private final class RepositorySource implements ImageSource {
        private final Reference reference;

        RepositorySource(Reference reference) {
            this.reference = reference;
        }

        @Override
        public ManifestBlob manifest(String tagOrDigest) throws IOException {
            Reference target = tagOrDigest.contains(":")
                    ? reference.withDigest(dev.jreg.model.Digest.parse(tagOrDigest))
                    : reference.withTag(tagOrDigest);
            return RegistryClient.this.manifest(target);
        }

        @Override
        public InputStream blob(Descriptor descriptor) throws IOException {
            return RegistryClient.this.blob(reference, descriptor);
        }

        @Override
        public String describe() {
            return reference.name();
        }
    }
}
