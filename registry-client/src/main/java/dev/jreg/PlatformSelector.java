package dev.jreg;

import dev.jreg.model.Platform;
import java.util.List;

/** Which images of an index a copy takes. */
public sealed interface PlatformSelector {
    /** Every image: the index is copied unchanged, so its digest stays the same. */
    record All() implements PlatformSelector {
    }

    /**
     * The listed platforms only: one platform copies that image alone; several write a new
     * index holding just them.
     *
     * @param platforms at least one
     */
    record Only(List<Platform> platforms) implements PlatformSelector {
        /** Validates and copies. */
        public Only {
            if (platforms == null || platforms.isEmpty()) {
                throw new IllegalArgumentException("at least one platform is required");
            }
            platforms = List.copyOf(platforms);
        }
    }

    /** Every platform. */
    static PlatformSelector all() {
        return new All();
    }

    /** The given platforms. */
    static PlatformSelector only(Platform... platforms) {
        return new Only(List.of(platforms));
    }

    /** The platform of this machine. */
    static PlatformSelector host() {
        return only(Platform.host());
    }
}
