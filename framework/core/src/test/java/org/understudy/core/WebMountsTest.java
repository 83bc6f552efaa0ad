package org.understudy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.understudy.api.Subscription;

/** The front page: the earliest endpoint still mounted that asked to be it. */
class WebMountsTest {

    @Test
    void theEarliestHomeStillMountedIsTheFrontPage() throws Exception {
        WebMounts mounts = new WebMounts();
        assertTrue(mounts.home().isEmpty());
        Subscription first = mounts.mount("a", "first", "A", r -> null, true);
        mounts.mount("b", "plain", "B", r -> null, false);
        mounts.mount("c", "second", "C", r -> null, true);
        assertEquals("first", mounts.home().orElseThrow().path());
        first.close();
        assertEquals("second", mounts.home().orElseThrow().path());
    }
}
