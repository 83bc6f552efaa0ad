package org.understudy.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CommitGatheringTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long US = TimeUnit.MICROSECONDS.toNanos(1);

    private final CommitGathering gathering = new CommitGathering(10 * MS, 1000);

    @Test
    void neverWaitsAfterAFastCommit() {
        gathering.committed(40, 2 * MS); // under GATHER_AFTER_NANOS: a fast disk
        gathering.begin(0);
        assertEquals(0, gathering.waitNanos(1, 0));
    }

    @Test
    void neverWaitsWhenTheGatheringIsOff() {
        CommitGathering off = new CommitGathering(0, 1000);
        off.committed(40, 6 * MS);
        off.begin(0);
        assertEquals(0, off.waitNanos(1, 0));
    }

    @Test
    void aLoneDeviceNeverWaits() {
        gathering.committed(1, 6 * MS);
        gathering.begin(0);
        assertEquals(0, gathering.waitNanos(1, 0));
    }

    @Test
    void waitsForAsManyAsThePreviousCommitHeldUntilItsTimeOrTheMaximum() {
        gathering.committed(40, 6 * MS);
        gathering.begin(100 * MS);
        assertEquals(6 * MS, gathering.waitNanos(24, 100 * MS));
        assertEquals(2 * MS, gathering.waitNanos(30, 104 * MS));
        assertTrue(gathering.waitNanos(39, 106 * MS) <= 0);

        gathering.committed(40, 30 * MS); // a very slow commit: gatherMax bounds the wait
        gathering.begin(0);
        assertEquals(10 * MS, gathering.waitNanos(1, 0));
    }

    @Test
    void growsBeyondThePreviousCommitWhileWritesKeepTheirPace() {
        gathering.committed(40, 8 * MS);
        gathering.begin(0);
        long now = 0;
        int readings = 24;
        for (int i = 0; i < 16; i++) { // the devices released by the last commit come back every 250 us
            now += 250 * US;
            assertTrue(gathering.waitNanos(readings, now - 250 * US) > 0);
            gathering.arrived(now);
            readings++;
        }
        // 40 reached; two mean gaps (500 us) are granted for the next, less what has passed since the last
        assertEquals(500 * US, gathering.waitNanos(readings, now));
        assertEquals(200 * US, gathering.waitNanos(readings, now + 300 * US));
        now += 300 * US;
        gathering.arrived(now);
        readings++;
        assertTrue(gathering.waitNanos(readings, now) > 0, "a write within the pace extends the gathering");
        assertTrue(gathering.waitNanos(readings, now + 2 * MS) <= 0, "a pause ends it");
    }

    @Test
    void theDeadlineBoundsTheGrowth() {
        gathering.committed(4, 6 * MS);
        gathering.begin(0);
        gathering.arrived(1 * MS);
        gathering.arrived(2 * MS);
        gathering.arrived(3 * MS);
        gathering.arrived(5 * MS);
        assertEquals(1 * MS, gathering.waitNanos(8, 5 * MS)); // pace would allow 2.5 ms; 6 ms after the start ends it
    }

    @Test
    void oneArrivalDoesNotSetAPace() {
        gathering.committed(2, 6 * MS);
        gathering.begin(0);
        gathering.arrived(1 * MS);
        assertEquals(0, gathering.waitNanos(2, 1 * MS));
    }

    @Test
    void stopsAtTheBatchBound() {
        CommitGathering small = new CommitGathering(10 * MS, 10);
        small.committed(40, 6 * MS);
        small.begin(0);
        assertEquals(0, small.waitNanos(10, 0));
    }
}
