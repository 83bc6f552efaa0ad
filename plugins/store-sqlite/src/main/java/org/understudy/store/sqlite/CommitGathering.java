package org.understudy.store.sqlite;

import java.util.concurrent.TimeUnit;

/**
 * How long the writer waits for more writes before it commits: the group-commit policy of
 * {@link GroupCommitWriter}, kept apart so that it can be tested without a clock or a disk. Used by the writer
 * thread only.
 *
 * <p>Devices released by one commit send their next request a moment later, and the first of them to arrive
 * would start the next commit alone, leaving the others to the one after: commits alternate between few and
 * many, and each pays an fsync. Two rules keep them together, and only after a commit that took
 * {@link #GATHER_AFTER_NANOS} or more (a card's slow flush; on a fast disk waiting cost more throughput than the
 * fsyncs it saved):
 * <ol>
 * <li>while fewer readings are queued than the previous commit held, wait for them;</li>
 * <li>past that, go on waiting while writes keep coming at the pace they came in this gathering (each within
 * twice the mean gap so far), so that a commit can grow beyond the previous one when more devices are in
 * flight: with the first rule alone, a busy writer settled at whatever size it happened to start with (40 of 64
 * connections at a 5 ms flush). It needs two arrivals during the wait to know the pace.</li>
 * </ol>
 * Both end at {@code min(gatherMax, previous commit's time)} after the gathering began. A lone device never
 * waits: nothing is expected beyond it and nothing arrives.
 */
final class CommitGathering {

    static final long GATHER_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(3);
    /** Each next write is awaited for at most this many mean gaps of the arrivals so far. */
    static final int PACE_GAPS = 2;

    private final long gatherMaxNanos;
    private final int maxBatchReadings;
    private int lastReadings;
    private long lastCommitNanos;

    private long began;
    private long deadline;
    private int expected;
    private int arrived;
    private long lastArrival;
    private boolean gathering;

    CommitGathering(long gatherMaxNanos, int maxBatchReadings) {
        this.gatherMaxNanos = gatherMaxNanos;
        this.maxBatchReadings = maxBatchReadings;
    }

    /** A gathering begins at {@code now}, with the writes already queued taken ({@code readings} readings). */
    void begin(long now) {
        gathering = gatherMaxNanos > 0 && lastCommitNanos >= GATHER_AFTER_NANOS;
        began = now;
        deadline = now + Math.min(gatherMaxNanos, lastCommitNanos);
        expected = Math.min(lastReadings, maxBatchReadings);
        arrived = 0;
        lastArrival = now;
    }

    /**
     * How long to wait for the next write, given the {@code readings} gathered so far; 0 or less: commit now.
     */
    long waitNanos(int readings, long now) {
        if (!gathering || readings >= maxBatchReadings) {
            return 0;
        }
        long left = deadline - now;
        if (readings < expected) {
            return left;
        }
        if (arrived < 2) {
            return 0;
        }
        long meanGap = (lastArrival - began) / arrived;
        return Math.min(left, lastArrival + PACE_GAPS * meanGap - now);
    }

    /** A write arrived during the wait. */
    void arrived(long now) {
        arrived++;
        lastArrival = now;
    }

    /** A commit of {@code readings} readings took {@code nanos} (writes, commit and fsync). */
    void committed(int readings, long nanos) {
        lastReadings = readings;
        lastCommitNanos = nanos;
    }
}
