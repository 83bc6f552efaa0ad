package org.understudy.api;

import java.time.Instant;
import java.util.List;
import org.understudy.api.model.Blob;
import org.understudy.api.model.Device;
import org.understudy.api.model.Flow;
import org.understudy.api.model.Reading;

/**
 * Records what devices sent into the active {@link org.understudy.api.spi.ReadingStore}.
 *
 * <p><b>Durability:</b> each method blocks until the data is durable on disk (as durable as the active
 * store makes it) and then returns; once it has returned, the data is never lost and will reach every
 * sink. Call them from a blocking-work thread ({@link PluginScheduler#blocking()}), never from an event
 * loop; the one exception is {@link #recordAsync}, which never blocks and tells durability through its
 * future. Thread-safe; concurrent calls are group-committed by the store.
 */
public interface Recorder {

    /**
     * Records readings, in order. One measurement is one reading: a reading equal to the last one recorded for
     * its device (same profile, time, metrics and tags), as a device repeating a measurement sends it, is
     * durable already and is not recorded again.
     *
     * @throws RecordException nothing was recorded (no store running, disk full, read-only, ...)
     */
    void record(List<Reading> readings) throws RecordException;

    /**
     * Records readings, in order, without blocking the caller: may be called from an event loop. The
     * future completes once they are durable, or fails with a {@link RecordException} when nothing was
     * recorded. It completes on a thread of the store's: keep what follows it short, or continue on an
     * executor of your own (the connection's event loop, say).
     */
    java.util.concurrent.CompletableFuture<Void> recordAsync(List<Reading> readings);

    /**
     * Stores a binary object (a picture) under its content hash and links it to a device and a time.
     *
     * @return the stored blob's metadata
     * @throws RecordException nothing was stored
     */
    Blob storeBlob(String deviceId, String profile, Instant time, String contentType, byte[] content)
            throws RecordException;

    /** Records one request/response exchange; flows are bounded by the store's retention. */
    void recordFlow(Flow flow) throws RecordException;

    /**
     * Records several exchanges in one write (a proxy batches its flows this way so that they do not
     * compete with device data for the store's commits).
     */
    default void recordFlows(List<Flow> flows) throws RecordException {
        for (Flow f : flows) {
            recordFlow(f);
        }
    }

    /** Creates or refreshes a device in the registry (first seen is kept, last seen advances). */
    void recordDevice(Device device) throws RecordException;
}
