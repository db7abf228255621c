package dev.jreg.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A source's tags filter: allow, deny, semver, then newest among what is left; digests always kept. */
class TagFilterTest {
    static final List<String> TAGS = List.of("1.0.0", "1.2.0", "1.2.5", "2.0.0", "2.0.0-rc1", "latest", "v1.3.0",
            "sha256-0123.sig", "sha256:" + "a".repeat(64));

    static TagFilter filter(List<String> allow, List<String> deny, String semver, int newest) {
        return new TagFilter(allow.stream().map(Pattern::compile).toList(), deny.stream().map(Pattern::compile).toList(),
                semver == null ? null : SemverConstraint.parse(semver), newest);
    }

    @Test
    void noFilterKeepsEverything() {
        assertEquals(TAGS, TagFilter.NONE.apply(TAGS));
    }

    @Test
    void allowAndDenyAreFoundAnywhereInTheTag() {
        assertEquals(List.of("1.0.0", "1.2.0", "1.2.5", "v1.3.0", "sha256:" + "a".repeat(64)),
                filter(List.of("^v?1\\."), List.of(), null, 0).apply(TAGS));
        assertEquals(List.of("1.0.0", "1.2.0", "1.2.5", "2.0.0", "latest", "v1.3.0", "sha256:" + "a".repeat(64)),
                filter(List.of(), List.of("-rc", "^sha256-"), null, 0).apply(TAGS));
    }

    @Test
    void semverKeepsMatchingVersionsOnly() {
        assertEquals(List.of("1.2.0", "1.2.5", "v1.3.0", "sha256:" + "a".repeat(64)),
                filter(List.of(), List.of(), ">=1.2 <2", 0).apply(TAGS));
    }

    @Test
    void newestKeepsTheHighestVersionsInListOrderAndDropsOtherTags() {
        assertEquals(List.of("2.0.0", "2.0.0-rc1", "v1.3.0", "sha256:" + "a".repeat(64)),
                filter(List.of(), List.of(), null, 3).apply(TAGS));
        assertEquals(List.of("1.2.5", "2.0.0", "v1.3.0"), filter(List.of(), List.of("-rc"), null, 3).apply(TAGS.subList(0, 7)));
        // a pre-release ranks below its release, above the one before
        assertEquals(List.of("2.0.0", "2.0.0-rc1"), filter(List.of(), List.of(), null, 2).apply(TAGS.subList(0, 6)));
        assertEquals(List.of("1.2.5", "v1.3.0"), filter(List.of(), List.of(), ">=1.2 <2", 2).apply(TAGS.subList(0, 7)));
        // equal versions rank by their text: the choice does not hang on the list's order
        assertEquals(List.of("1.2"), filter(List.of(), List.of(), null, 1).apply(List.of("v1.2", "1.2", "1.2.0")));
        assertEquals(List.of("1.2"), filter(List.of(), List.of(), null, 1).apply(List.of("1.2.0", "1.2", "v1.2")));
    }
}
