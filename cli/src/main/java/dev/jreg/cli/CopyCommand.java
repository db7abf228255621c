package dev.jreg.cli;

import dev.jreg.CopyOptions;
import dev.jreg.CopyResult;
import dev.jreg.ImageLocation;
import dev.jreg.Jreg;
import dev.jreg.PlatformSelector;
import dev.jreg.error.ImageNotFoundException;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** {@code jreg copy} (alias {@code mirror}): copy images between registries, the store and layouts. */
final class CopyCommand extends Subcommand {
    private String source;
    private String target;
    private List<String> platforms = new ArrayList<>();
    private boolean allTags;
    private boolean noClobber;
    private boolean includeReferrers;
    private int jobs = CopyOptions.DEFAULT_CONCURRENCY;
    private final TargetOptions targetOptions = new TargetOptions();
    private boolean quiet;

    /** One image to copy: the source's, or one tag of its repository to the same tag at the destination. */
    private record Copy(ImageLocation from, ImageLocation to) {
    }

    @Override
    CommandModel model() {
        return CommandModel.of("copy", this,
                        "Copy an image, or every tag of a repository, between registries, the local store and OCI layouts.",
                        "Blobs stream from source to destination; the destination digest equals the source digest"
                                + " unless --platform chooses a subset or --format converts the manifests.")
                .aliases("mirror")
                .footer("",
                        "Locations:",
                        "  NAME[:TAG|@DIGEST], docker://NAME   a registry",
                        "  local:NAME[:TAG]                   jreg's local store",
                        "  oci:DIR[:NAME|:@N]                 an OCI layout directory: the image of",
                        "                                     that name (which may hold ':' and '/'),",
                        "                                     the N-th entry of index.json (from 0),",
                        "                                     or its only image; a target oci:DIR",
                        "                                     gets an entry without a name",
                        "",
                        "Examples:",
                        "  jreg copy nginx:1.24.0 registry.internal:5000/library/nginx:1.24.0",
                        "  jreg copy --platform linux/arm64 nginx:1.24.0 localhost:5000/nginx:arm",
                        "  jreg mirror --all-tags --no-clobber alpine registry.internal/alpine",
                        "  jreg copy localhost:5000/app:1 oci:/media/usb/images:app-1",
                        "  jreg copy --format oci --platform linux/amd64 nginx:1.24 oci:/tmp/nginx:1.24",
                        "  jreg copy --include-referrers ghcr.io/org/app:1 registry.internal/app:1")
                .parameter("SOURCE", "What to copy.", v -> source = v)
                .parameter("TARGET", "Where to copy it.", v -> target = v)
                .repeatable("--platform", "OS/ARCH[/VARIANT]",
                        "Copy only this platform (repeatable); several make a new index of just those.",
                        v -> platforms = v)
                .flag("-a, --all-tags", "Copy every tag of the source repository.", v -> allTags = v)
                .flag("-n, --no-clobber", "Skip tags that already exist at the destination.", v -> noClobber = v)
                .flag("--include-referrers", "Copy what refers to the image too (signatures, attestations,"
                        + " SBOMs: referrers API, sha256-HEX tags), registry to registry.", v -> includeReferrers = v)
                .option("-j, --jobs", "N", "Blobs moved at once (default: " + jobs + ").", Integer.class,
                        v -> jobs = v)
                .with(targetOptions::declare)
                .flag("-q, --quiet", "Print only the result lines.", v -> quiet = v)
                .with(root::networkOptions);
    }

    @Override
    public Integer call() throws Exception {
        ImageLocation to = ImageLocation.parse(target);
        if (jobs < 1) {
            throw new IllegalArgumentException("--jobs must be at least 1");
        }
        if (allTags && References.hasTagOrDigest(source.replaceFirst("^(oci|local|docker):(//)?", ""))
                && !source.startsWith("oci:")) {
            throw new IllegalArgumentException("--all-tags takes a repository without a tag: " + source);
        }
        PlatformSelector selector = platforms.isEmpty() ? PlatformSelector.all()
                : new PlatformSelector.Only(platforms.stream().map(Platform::parse).toList());
        Jreg jreg = root.open(quiet);
        // A repository's tags are listed, not resolved: an image ID names one image.
        ImageLocation from = allTags ? ImageLocation.parse(source) : LocationOptions.image(jreg, source);
        if (includeReferrers && !(from instanceof ImageLocation.Registry && to instanceof ImageLocation.Registry)) {
            throw new IllegalArgumentException("--include-referrers copies from a registry to a registry");
        }
        List<String> tags = allTags ? jreg.tags(from) : List.of();
        int copied = 0;
        int skipped = 0;
        // A registry or the store takes tags only; a layout, names in its spec's grammar.
        Predicate<String> takes = to instanceof ImageLocation.Layout ? ImageLocation.Layout::isWritableName
                : Reference::isTag;
        for (String tag : tags.stream().filter(takes.negate()).toList()) {
            skipped++;
            if (!quiet) {
                root.context().err().println(ErrorReporter.printable("Skipping " + from.withTag(tag) + ": \"" + tag
                        + "\" is not a " + (to instanceof ImageLocation.Layout ? "name a layout can hold" : "tag")));
            }
        }
        tags = tags.stream().filter(takes).toList();
        if (allTags && tags.isEmpty()) {
            throw new ImageNotFoundException(from + (skipped == 0 ? " has no tags" : " has no tags that "
                    + to + " can take"), from.toString(), List.of());
        }
        List<Copy> copies = allTags ? tags.stream().map(tag -> new Copy(from.withTag(tag), to.withTag(tag))).toList()
                : List.of(new Copy(from, to));
        for (Copy copy : copies) {
            if (noClobber && jreg.resolveDestination(copy.to()).isPresent()) {
                skipped++;
                if (!quiet) {
                    root.context().err().println(ErrorReporter.printable("Skipping " + copy.to() + ": it exists"));
                }
                continue;
            }
            copyOne(jreg, copy.from(), copy.to(), selector);
            copied++;
        }
        if (allTags && !quiet) {
            root.context().err().println("Copied " + copied + " of " + (copied + skipped) + " tags, skipped " + skipped);
        }
        return ExitCodes.OK;
    }

    private void copyOne(Jreg jreg, ImageLocation from, ImageLocation to, PlatformSelector selector) throws Exception {
        CliContext context = root.context();
        if (!quiet) {
            context.err().println(ErrorReporter.printable("Copying " + from + " to " + to));
        }
        CopyResult result;
        try (LayerProgress progress = root.progress(quiet, LayerProgress.Verbs.COPY)) {
            result = jreg.copy(from, to, new CopyOptions(selector, jobs, progress, targetOptions.format(),
                    includeReferrers), targetOptions.upload());
        }
        if (includeReferrers && !quiet) {
            context.err().println("Copied " + result.referrersCopied() + " referrer"
                    + (result.referrersCopied() == 1 ? "" : "s"));
        }
        targetOptions.report(result, context.err(), quiet);
        // A registry target named by digest is printed with the digest written, not a second one.
        context.out().println(to instanceof ImageLocation.Registry r ? r.reference().withDigest(result.top().digest())
                : to + "@" + result.top().digest());
        context.out().flush();
    }
}
