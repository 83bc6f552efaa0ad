package org.understudy.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostPatternTest {

    @Test
    void exactNamesMatchCaseInsensitivelyWithOrWithoutTrailingDot() {
        HostPattern p = HostPattern.of("BskyBackend.Bloomsky.com.");
        assertEquals("bskybackend.bloomsky.com", p.pattern());
        assertTrue(p.matches("bskybackend.bloomsky.com"));
        assertTrue(p.matches("BSKYBACKEND.BLOOMSKY.COM."));
        assertFalse(p.matches("bskybackend.bloomsky.com.evil.org"), "never a prefix match");
        assertFalse(p.matches("x.bskybackend.bloomsky.com"));
        assertFalse(p.matches(null));
    }

    @Test
    void wildcardsMatchStrictlyBelowTheSuffix() {
        HostPattern p = HostPattern.of("*.tplinkcloud.com");
        assertTrue(p.wildcard());
        assertTrue(p.matches("eu-wap.tplinkcloud.com"));
        assertTrue(p.matches("a.b.TPLINKCLOUD.com."));
        assertFalse(p.matches("tplinkcloud.com"));
        assertFalse(p.matches("eviltplinkcloud.com"));
    }

    @Test
    void aFirstLabelWildcardMatchesTheEndOfOneLabelDirectlyUnderItsDomain() {
        HostPattern p = HostPattern.of("*-devs.tplinkcloud.com");
        assertTrue(p.wildcard());
        assertTrue(p.matches("use1-devs.tplinkcloud.com"));
        assertTrue(p.matches("N-USE1-DEVS.tplinkcloud.com."));
        assertFalse(p.matches("-devs.tplinkcloud.com"), "something before the label's end");
        assertFalse(p.matches("a.use1-devs.tplinkcloud.com"), "one label, not deeper");
        assertFalse(p.matches("devs.tplinkcloud.com"));
        assertFalse(p.matches("use1-devs.tplinkcloud.com.evil.org"));
        HostIndex<String> index = HostIndex.of(java.util.List.of(java.util.Map.entry(p, "kasa"),
                java.util.Map.entry(HostPattern.of("*.tplinkcloud.com"), "other")));
        assertEquals(java.util.Optional.of("kasa"), index.find("eu-devs.tplinkcloud.com"), "the longer pattern first");
        assertEquals(java.util.Optional.of("other"), index.find("wap.tplinkcloud.com"));
    }

    @Test
    void rejectsWhatIsNotAHostnameOrWildcard() {
        for (String bad : new String[] {"", "*", "*.", "a*.b.com", "a..b", ".a.com", "a b.com", "x.*.com", "^regex$", "*-devs",
            "*-devs.", "**.com"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPattern.of(bad), bad);
            assertTrue(e.getMessage().contains("not a hostname"), e.getMessage());
        }
    }
}
