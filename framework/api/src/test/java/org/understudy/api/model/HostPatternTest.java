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
    void rejectsWhatIsNotAHostnameOrWildcard() {
        for (String bad : new String[] {"", "*", "*.", "a*.b.com", "a..b", ".a.com", "a b.com", "x.*.com", "^regex$"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPattern.of(bad), bad);
            assertTrue(e.getMessage().contains("not a hostname"), e.getMessage());
        }
    }
}
