package dev.jreg.internal.registry;

import dev.jreg.UploadOptions;
import dev.jreg.internal.store.BlobSource;
import dev.jreg.internal.store.ImageSink;
import dev.jreg.internal.store.ImageSource;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A registry repository as a sink: {@code HEAD} to skip blobs it has, cross-repository mounts
 * inside one registry, uploads, then manifests children first and the tag last. Every request
 * asks for {@code pull,push}, so the push token is in hand before any body is streamed.
 */
final class RepositorySink implements ImageSink {
    private final RegistryClient client;
    private final Reference target;
    private final UploadOptions options;
    private final Scope scope;
    /** Upload sessions a refused mount (202) opened, to be used by the following upload. */
    private final Map<Digest, Uploads.Session> openedByMount = new ConcurrentHashMap<>();

    RepositorySink(RegistryClient client, Reference target, UploadOptions options) {
        this.client = client;
        this.target = target;
        this.options = options;
        this.scope = Scope.pullPush(target.repository());
    }

    @Override
    public boolean hasBlob(Descriptor descriptor) throws IOException {
        return client.blobExists(target, descriptor, scope);
    }

    @Override
    public Optional<Reference> mountBlob(Descriptor descriptor, ImageSource from) throws IOException {
        // Mounts work only inside one registry; the first origin there is tried once.
        Optional<Reference> origin = from.originsOf(descriptor).stream()
                .filter(o -> o.registry().equals(target.registry()) && !o.repository().equals(target.repository()))
                .findFirst();
        if (origin.isEmpty()) {
            return Optional.empty();
        }
        Uploads uploads = uploads();
        HttpUrl url = uploads.url().newBuilder()
                .addQueryParameter("mount", descriptor.digest().toString())
                .addQueryParameter("from", origin.get().repository())
                .build();
        Scope mountScope = scope.and(Scope.pull(origin.get().repository()));
        Request.Builder request = new Request.Builder().url(url).post(RequestBody.create(new byte[0], null));
        try (Response response = client.http().execute(uploads.host(), request, mountScope)) {
            if (response.code() == 201) {
                return origin;
            }
            if (response.code() == 202) {
                openedByMount.put(descriptor.digest(), uploads.session(response));
            }
            // Anything else (Harbor's 401, a 404 for an unknown source): upload as usual.
            return Optional.empty();
        }
    }

    @Override
    public void putBlob(Descriptor descriptor, BlobSource content) throws IOException {
        Uploads uploads = uploads();
        Uploads.Session session = openedByMount.remove(descriptor.digest());
        uploads.upload(session != null ? session : uploads.start(), descriptor, content, options);
    }

    @Override
    public void putManifest(ManifestBlob manifest) throws IOException {
        client.putManifest(target, manifest.digest().toString(), manifest, scope);
    }

    @Override
    public boolean commit(ManifestBlob top) throws IOException {
        Optional<Descriptor> before = target.tag() == null ? Optional.empty()
                : client.headManifest(target.withTag(target.tag()));
        client.putManifest(target, target.tag() != null ? target.tag() : top.digest().toString(), top, scope);
        return before.map(d -> !d.digest().equals(top.digest())).orElse(true);
    }

    @Override
    public String describe() {
        return target.name();
    }

    private Uploads uploads() throws IOException {
        HostState host = client.host(target);
        HttpUrl url = RegistryClient.url(host, target.repository(), "blobs/uploads/").build();
        return new Uploads(client.http(), host, url, scope, target.name());
    }
}
