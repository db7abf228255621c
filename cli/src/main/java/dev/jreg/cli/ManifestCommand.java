package dev.jreg.cli;


/** {@code jreg manifest}: the exact manifest bytes. */
final class ManifestCommand extends Subcommand {
    private String image;
    private final LocationOptions locations = new LocationOptions();

    @Override
    CommandModel model() {
        return CommandModel.of("manifest", this,
                        "Print the exact manifest bytes of an image or index.")
                .parameter("IMAGE", "NAME[:TAG|@DIGEST], local:NAME or oci:DIR:NAME.", v -> image = v)
                .with(locations::declare)
                .with(root::networkOptions);
    }

    @Override
    public Integer call() throws Exception {
        var jreg = root.open();
        root.context().writeRaw(jreg.manifest(locations.parseImage(jreg, image)).bytes());
        return ExitCodes.OK;
    }
}
