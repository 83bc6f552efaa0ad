package org.understudy.api.spi;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.understudy.api.RecordException;
import org.understudy.api.model.Device;
import org.understudy.api.model.Reading;
import org.understudy.api.model.StoredReading;

/**
 * The reading store (single-active): the one place where everything devices sent is kept, and the source
 * every sink reads from. What every store does is here; what a store may add is a capability of its own,
 * found by {@code instanceof}: {@link BlobStore} (pictures), {@link FlowStore} (recorded exchanges). The runtime
 * reports plainly when the active store lacks one.
 *
 * <p><b>Threading and cost.</b> All methods are thread-safe and may block on disk: the runtime calls them from
 * blocking threads only (never an event loop), except {@link #recordAsync}. Writes are durable when they return
 * (a power cut loses nothing written); a store should let concurrent writers share one commit. Reads are
 * cheap per call (indexed); {@link #series} scales with the points it returns.
 */
public interface ReadingStore<C extends Record> extends org.understudy.api.Plugin<C> {

    /**
     * Records readings in order, durably; assigns each the next sequence. It also advances each reading's
     * device in the registry: created if new ({@code firstSeen} = the reading's receive time), {@code lastSeen}
     * moved to the receive time, and {@link #latest} pointing to this reading.
     *
     * @throws RecordException nothing was recorded (disk full, read-only, ...)
     */
    void record(List<Reading> readings) throws RecordException;

    /**
     * Records readings as {@link #record} does, without blocking the caller (which may be an event loop); the
     * future completes when they are durable (on any thread) or fails with a {@link RecordException}. The
     * default runs {@link #record} on {@code blocking}; a store with a writer thread of its own hands it over.
     */
    default CompletableFuture<Void> recordAsync(List<Reading> readings, Executor blocking) {
        return CompletableFuture.runAsync(() -> {
            try {
                record(readings);
            } catch (RecordException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, blocking);
    }

    /**
     * Creates or refreshes a device in the registry, durably: first seen kept, last seen = the later of both,
     * attributes merged (the new values win). Readings update the registry too ({@link #record}); this is for
     * what a device says about itself (model, firmware) without a reading.
     */
    void recordDevice(Device device) throws RecordException;

    /** Readings with sequence greater than {@code afterSequence}, in order, at most {@code max}. */
    List<StoredReading> readAfter(long afterSequence, int max);

    /** The highest sequence committed so far (0 when empty). */
    long lastSequence();

    /** A sink's durable cursor: the last sequence it acknowledged (0 when new). */
    long cursor(String sinkId);

    /** Moves a sink's cursor, durably. */
    void saveCursor(String sinkId, long sequence) throws RecordException;

    /** Every device in the registry, by id. */
    List<Device> devices();

    /** The latest reading of a device (highest sequence), if any. */
    Optional<Reading> latest(String deviceId);

    /**
     * Numeric values for a query: raw points, or min/max/mean/count per bucket of {@code step}; buckets are
     * aligned to whole steps since the epoch (an hour starts at :00 UTC, a day at midnight UTC) and labelled
     * with their start. Ordered by metric, then time.
     */
    List<SeriesPoint> series(ReadingQuery query);
}
