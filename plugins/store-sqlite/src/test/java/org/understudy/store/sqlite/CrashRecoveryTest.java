package org.understudy.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Five kill -9 cycles: no acknowledged reading is ever lost and the store always opens clean. */
class CrashRecoveryTest {

    @TempDir
    Path dir;

    @Test
    void noAcknowledgedReadingIsLostAcrossKillNine() throws Exception {
        CrashCycles.Outcome o = CrashCycles.run(dir, 5, 8);
        assertEquals(0, o.lost());
        assertTrue(o.acknowledged() > 500, "the writer wrote something before each kill: " + o.acknowledged());
        assertTrue(o.stored() >= o.acknowledged());
    }
}
