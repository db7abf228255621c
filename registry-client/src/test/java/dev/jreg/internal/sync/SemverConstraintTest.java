package dev.jreg.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Masterminds/semver v3 constraint grammar and checks, as skopeo sync's images-by-semver applies them. */
class SemverConstraintTest {
    @ParameterizedTest(name = "{0} takes {1}: {2}")
    @CsvSource(delimiter = ';', value = {
        // plain comparisons
        "=2.0.0 ; 2.0.0 ; true", "=2.0.0 ; 1.2.3 ; false", "2.0.0 ; 2.0.0 ; true",
        "!=4.1.0 ; 4.1.0 ; false", "!=4.1.0 ; 4.1.1 ; true",
        ">1.2.3 ; 1.2.4 ; true", ">1.2.3 ; 1.2.3 ; false",
        "<1.2.3 ; 1.2.2 ; true", "<1.2.3 ; 1.2.3 ; false",
        ">=1.2.3 ; 1.2.3 ; true", ">=1.2.3 ; 1.2.2 ; false",
        "<=1.2.3 ; 1.2.3 ; true", "<=1.2.3 ; 1.2.4 ; false",
        "=>1.2 ; 1.3.0 ; true", "=<1.2 ; 1.2.5 ; true", "=<1.2 ; 1.3.0 ; false",
        // parts left out or wildcards
        "4.1 ; 4.1.0 ; true", "4.1 ; 4.1.5 ; true", "4.1 ; 4.2.0 ; false",
        "1.x ; 1.4.0 ; true", "1.x ; 2.0.0 ; false", "1.2.x ; 1.2.9 ; true", "1.2.X ; 1.3.0 ; false",
        "* ; 3.4.5 ; true", "x ; 0.0.1 ; true",
        "!=4.x ; 5.1.0 ; true", "!=4.x ; 4.1.0 ; false", "!=4.1 ; 4.1.7 ; false", "!=4.1 ; 4.2.0 ; true",
        ">1.1 ; 1.1.5 ; false", ">1.1 ; 1.2.0 ; true", ">11 ; 11.9.0 ; false", ">11 ; 12.0.0 ; true",
        "<1.1 ; 1.0.9 ; true", "<1.1 ; 1.1.0 ; false",
        "<=1.1 ; 1.1.9 ; true", "<=1.1 ; 1.2.0 ; false", "<=1 ; 1.9.9 ; true", "<=1 ; 2.0.0 ; false",
        ">=1.1 ; 1.1.0 ; true", ">=1.1 ; 1.0.9 ; false",
        // tilde and caret
        "~1.2.3 ; 1.2.4 ; true", "~1.2.3 ; 1.2.2 ; false", "~1.2.3 ; 1.3.0 ; false",
        "~1 ; 1.9.9 ; true", "~1 ; 2.0.0 ; false", "~1.x ; 1.5.0 ; true", "~>1.2 ; 1.2.9 ; true",
        "~>1.2 ; 1.3.0 ; false", "~0.0.0 ; 5.0.0 ; true",
        "^1.2.3 ; 1.8.0 ; true", "^1.2.3 ; 2.0.0 ; false", "^1.2.3 ; 1.2.2 ; false",
        "^0.2.3 ; 0.2.5 ; true", "^0.2.3 ; 0.3.0 ; false", "^0.0.3 ; 0.0.3 ; true", "^0.0.3 ; 0.0.4 ; false",
        "^0.0 ; 0.0.9 ; true", "^0.0 ; 0.1.0 ; false", "^0 ; 0.9.0 ; true", "^0 ; 1.0.0 ; false",
        "^1.x ; 1.9.0 ; true",
        // hyphen ranges, both ends included; an open upper end takes its whole minor
        "1.2 - 1.4.5 ; 1.2.0 ; true", "1.2 - 1.4.5 ; 1.4.5 ; true", "1.2 - 1.4.5 ; 1.4.6 ; false",
        "1.2 - 1.4.5 ; 1.1.9 ; false", "1.2 - 1.4 ; 1.4.9 ; true", "1.2 - 1.4 ; 1.5.0 ; false",
        // and (space or comma), or
        ">=1.2 <2 ; 1.9.9 ; true", ">=1.2 <2 ; 2.0.0 ; false", ">= 1.2, < 2 ; 1.1.0 ; false",
        "<1 || >=3 ; 0.5.0 ; true", "<1 || >=3 ; 2.0.0 ; false", "<1||>=3 ; 3.1.0 ; true",
        "1.2 - 1.3 || ^3 ; 3.9.0 ; true",
        // a leading v on either side, build metadata ignored
        "v1.2.3 ; 1.2.3 ; true", ">=v1.2 ; v1.3.0 ; true", "1.2.3 ; 1.2.3+build.5 ; true",
        // pre-releases: only for an and-group that names one
        ">=1.0.0 ; 2.0.0-rc1 ; false", "* ; 1.0.0-rc1 ; false", ">=2.0.0-0 ; 2.0.0-rc1 ; true",
        ">=1.0.0-0 <2.0.0 ; 1.5.0-rc1 ; true", "<1 || >=2.0.0-0 <3 ; 2.0.0-rc1 ; true",
        ">=2.0.0-0 || <1 ; 0.5.0-rc1 ; false", "<1 || >=2.0.0 ; 2.0.0-rc1 ; false",
        ">0.0.1-alpha ; 0.0.1-beta ; true", ">0.0.1-beta ; 0.0.1-alpha ; false",
        "!=1.2.x-rc1 ; 1.2.0-rc1 ; false", "!=1.2.x-rc1 ; 1.2.0-rc2 ; true"})
    void checksAsMastermindsSemverDoes(String constraint, String version, boolean expected) {
        assertEquals(expected, SemverConstraint.parse(constraint).matches(version), constraint + " on " + version);
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "1.2.3.4", "1.2.3-01", "sha256-abc.sig", "v", "1.2.", "1..2", "main-1.2.3",
        "1.2.3-", "1.2.3+", "99999999999999999999"})
    void tagsThatAreNoVersionAreLeftOut(String tag) {
        assertTrue(Semver.parse(tag).isEmpty(), tag);
        assertFalse(SemverConstraint.parse("*").matches(tag), tag);
        assertFalse(SemverConstraint.parse(">=0.0.0-0").matches(tag), tag);
    }

    @Test
    void readsShortVersionsWithOrWithoutV() {
        assertEquals(new Semver(1, 0, 0, "", ""), Semver.parse("v1").orElseThrow());
        assertEquals(new Semver(1, 2, 0, "", ""), Semver.parse("1.2").orElseThrow());
        assertEquals(new Semver(20240101, 0, 0, "", ""), Semver.parse("20240101").orElseThrow());
        assertEquals(new Semver(1, 2, 3, "rc.1", "git.abc"), Semver.parse("v1.2.3-rc.1+git.abc").orElseThrow());
    }

    @Test
    void ordersAsSemVerSection11() {
        List<String> ascending = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "10.0.0");
        for (int i = 0; i + 1 < ascending.size(); i++) {
            Semver lower = Semver.parse(ascending.get(i)).orElseThrow();
            Semver higher = Semver.parse(ascending.get(i + 1)).orElseThrow();
            assertTrue(lower.compareTo(higher) < 0, lower + " < " + higher);
            assertTrue(higher.compareTo(lower) > 0, higher + " > " + lower);
        }
        assertEquals(0, Semver.parse("1.2").orElseThrow().compareTo(Semver.parse("v1.2.0+meta").orElseThrow()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", ">=", "1.2.3.4", "abc", ">= 1.x.y", "||", ">=1, <2 ||", "1x", ">>1",
        "1.2 -", "latest", ">=1.2 <2 garbage"})
    void refusesWhatIsNoConstraint(String constraint) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SemverConstraint.parse(constraint));
        assertTrue(e.getMessage().startsWith("not a semver constraint: "), e.getMessage());
    }
}
