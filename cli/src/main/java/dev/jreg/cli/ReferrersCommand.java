package dev.jreg.cli;

import dev.jreg.Referrer;
import dev.jreg.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code jreg referrers}: the signatures, attestations and SBOMs that refer to an image in its registry. */
final class ReferrersCommand extends Subcommand {
    /** The type column's width, so that a row fits 80 columns beside a short digest, a size and how it was found. */
    private static final int TYPE_WIDTH = 28;

    private String image;
    private boolean noTrunc;
    private final FormatMixin format = new FormatMixin();
    private final LocationOptions locations = new LocationOptions();

    @Override
    CommandModel model() {
        return CommandModel.of("referrers", this,
                        "List what refers to an image in its registry: signatures, attestations, SBOMs.",
                        "Through the referrers API (OCI distribution spec 1.1), or where the registry lacks it the"
                                + " referrers tag (sha256-HEX); and the sha256-HEX.sig, .att and .sbom tags cosign and"
                                + " skopeo write.",
                        "--format json prints one object per line: Digest, MediaType, ArtifactType, Size,"
                                + " Annotations, FoundBy.")
                .footer("",
                        "Examples:",
                        "  jreg referrers ghcr.io/owner/app:1.0",
                        "  jreg referrers --format json registry.internal/app@sha256:…")
                .parameter("IMAGE", "NAME[:TAG|@DIGEST] in a registry.", v -> image = v)
                .flag("--no-trunc", "Show digests and types whole.", v -> noTrunc = v)
                .with(format::declare)
                .with(root::networkOptions);
    }

    @Override
    public Integer call() throws Exception {
        List<Referrer> referrers = root.open().referrers(locations.parse(image));
        if (format.json()) {
            for (Referrer referrer : referrers) {
                Descriptor d = referrer.descriptor();
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("Digest", d.digest().toString());
                fields.put("MediaType", d.mediaType().value());
                fields.put("ArtifactType", d.artifactType());
                fields.put("Size", d.size());
                fields.put("Annotations", d.annotations());
                fields.put("FoundBy", referrer.foundBy());
                root.context().out().println(JsonOutput.write(fields));
            }
            return ExitCodes.OK;
        }
        Table table = new Table("DIGEST", "TYPE", "SIZE", "FOUND BY");
        for (Referrer referrer : referrers) {
            Descriptor d = referrer.descriptor();
            String type = d.artifactType() != null ? d.artifactType() : d.mediaType().value();
            String foundBy = referrer.foundBy().startsWith("tag sha256-") && !noTrunc
                    ? "tag sha256-…" + referrer.foundBy().substring(referrer.foundBy().lastIndexOf('.'))
                    : referrer.foundBy();
            table.row(Table.digest(d.digest(), noTrunc), noTrunc || type.length() <= TYPE_WIDTH ? type
                    : type.substring(0, TYPE_WIDTH - 1) + "…", Sizes.human(d.size()), foundBy);
        }
        table.print(root.context().out(), "");
        return ExitCodes.OK;
    }
}
