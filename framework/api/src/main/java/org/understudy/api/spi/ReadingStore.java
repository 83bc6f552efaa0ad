package org.understudy.api.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.understudy.api.Plugin;
import org.understudy.api.RecordException;
import org.understudy.api.model.Blob;
import org.understudy.api.model.Device;
import org.understudy.api.model.Flow;
import org.understudy.api.model.Reading;
import org.understudy.api.model.StoredFlow;
import org.understudy.api.model.StoredReading;

/**
 * The reading store (single-active): the one place where everything devices sent is kept, and the
 * source every sink reads from. All methods are thread-safe and may block on disk; the runtime calls
 * them from blocking threads only. Writes return only when durable.
 */
public interface ReadingStore<C extends Record> extends Plugin<C> {

    /** Appends readings in order, durably; assigns each the next sequence. */
    void append(List<Reading> readings) throws RecordException;

    /**
     * Appends readings like {@link #append} without blocking the caller; the future completes when they
     * are durable (on any thread) or fails with a {@link RecordException}. The default runs
     * {@link #append} on {@code blocking}; a store with its own writer thread hands the write to it.
     */
    default java.util.concurrent.CompletableFuture<Void> appendAsync(List<Reading> readings, java.util.concurrent.Executor blocking) {
        return java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                append(readings);
            } catch (RecordException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, blocking);
    }

    /** Stores content under its SHA-256, durably, and records its metadata. */
    Blob putBlob(String deviceId, String profile, Instant time, String contentType, byte[] content)
            throws RecordException;

    /** The content of a stored blob, if present. */
    Optional<byte[]> blobContent(String sha256);

    /**
     * Records a flow, durably. A body larger than the store keeps inline is stored as a blob (linked to
     * no device) and referenced by its hash, so it can be read back.
     */
    void putFlow(Flow flow) throws RecordException;

    /** Records several flows in one durable write; the default writes them one by one. */
    default void putFlows(List<Flow> flows) throws RecordException {
        for (Flow f : flows) {
            putFlow(f);
        }
    }

    /**
     * Flows with an id above {@code afterId} for {@code host} ({@code null}: any) answered with {@code outcome}, oldest first,
     * at most {@code max}. The default is for stores that cannot read flows back.
     */
    default List<StoredFlow> flowsAfter(long afterId, String host, Flow.Outcome outcome, int max) throws RecordException {
        throw new RecordException("the store " + id() + " cannot read flows back");
    }

    /** A flow reader's durable cursor (0 when new); separate from the sinks' cursors, holds nothing back. */
    default long flowCursor(String name) throws RecordException {
        throw new RecordException("the store " + id() + " keeps no flow cursors");
    }

    /** Moves a flow reader's cursor durably. */
    default void saveFlowCursor(String name, long flowId) throws RecordException {
        throw new RecordException("the store " + id() + " keeps no flow cursors");
    }

    /** Creates or refreshes a registry entry (first seen kept, last seen = max, attributes merged). */
    void putDevice(Device device) throws RecordException;

    /** Readings with sequence greater than {@code afterSequence}, in order, at most {@code max}. */
    List<StoredReading> readAfter(long afterSequence, int max);

    /** The highest sequence committed so far (0 when empty). */
    long lastSequence();

    /** The sink's durable cursor: the last sequence it acknowledged (0 when new). */
    long cursor(String sinkId);

    /** Moves the sink's cursor durably. */
    void saveCursor(String sinkId, long sequence) throws RecordException;

    /** Every device in the registry. */
    List<Device> devices();

    /** The latest reading of a device, if any. */
    Optional<Reading> latest(String deviceId);

    /** Numeric series for a query: raw points or, with a step, min/max/mean per bucket. */
    List<SeriesPoint> series(ReadingQuery query);
}
