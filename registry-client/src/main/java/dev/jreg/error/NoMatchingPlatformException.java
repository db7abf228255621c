package dev.jreg.error;

import dev.jreg.model.Platform;
import java.io.IOException;

/**
 * An index holds no image for the platform asked for (or, for several tags, none of them does), or
 * the one image a name gives is of another platform.
 * Platforms are matched as containerd matches them (README, Choosing a platform); attestations
 * never match.
 */
public class NoMatchingPlatformException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Platform platform;
    private final String location;

    /**
     * {@code no image for platform linux/amd64 in LOCATION (it has linux/arm64, linux/s390x)}.
     *
     * @param platform the platform asked for
     * @param location the index's location, as commands print it
     * @param offered what the index has instead: its platforms (or artifact types), comma-separated
     */
    public NoMatchingPlatformException(Platform platform, String location, String offered) {
        this("no image for platform " + platform + " in " + location + " (it has " + offered + ")", platform, location);
    }

    /**
     * @param message what was asked for and what there is, for the user
     * @param platform the platform asked for
     * @param location where it was looked for: an index, or a repository whose tags were looked through
     */
    public NoMatchingPlatformException(String message, Platform platform, String location) {
        super(message);
        this.platform = platform;
        this.location = location;
    }

    /**
     * Refuses an image (not an index) of another platform than the one asked for, as
     * {@code docker save --platform} refuses it: the one check of every command that takes a
     * platform of a stored image.
     *
     * @param wanted the platform asked for; null asks for none, and passes
     * @param has the platform the image's config gives, or null when it gives none
     * @param location the image's location, as commands print it
     * @throws NoMatchingPlatformException {@code no image for platform linux/arm64 in LOCATION (it has linux/amd64)}
     */
    public static void requireMatch(Platform wanted, Platform has, String location)
            throws NoMatchingPlatformException {
        if (wanted != null && (has == null || !wanted.matches(has))) {
            throw new NoMatchingPlatformException(wanted, location, has == null ? "no platform" : has.toString());
        }
    }

    /** The platform asked for. */
    public Platform platform() {
        return platform;
    }

    /** Where it was looked for. */
    public String location() {
        return location;
    }
}
