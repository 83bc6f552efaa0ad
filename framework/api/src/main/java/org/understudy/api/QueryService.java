package org.understudy.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.understudy.api.model.Blob;
import org.understudy.api.model.Device;
import org.understudy.api.model.Flow;
import org.understudy.api.model.Reading;
import org.understudy.api.model.StoredFlow;
import org.understudy.api.spi.ReadingQuery;
import org.understudy.api.spi.SeriesPoint;

/**
 * What is stored, read back: the one read side that the REST API, the dashboard and every plugin use. It reads
 * the active store. Thread-safe; the methods may block on disk (call them from a blocking thread, never from
 * an event loop). A read the active store cannot answer (it keeps no pictures, or no store runs) throws
 * {@link IllegalStateException} with the reason; an unknown device gives an empty answer or
 * {@link java.util.NoSuchElementException} as documented per method.
 */
public interface QueryService {

    /** Every device the store knows, by id (a LAN has tens, not thousands: not paged). */
    List<Device> devices();

    /** One device of the registry, if known. */
    Optional<Device> device(String deviceId);

    /** The most recent reading of {@code deviceId} (highest sequence), if any. */
    Optional<Reading> latest(String deviceId);

    /** The highest sequence recorded so far (0 when nothing is, or no store runs). */
    long lastSequence();

    /** How far sink {@code sinkId} has delivered: the last sequence it acknowledged (0 when new or no store runs). */
    long sinkCursor(String sinkId);

    /**
     * A device's numeric values in a time range, raw or per step (buckets aligned to whole steps: an hour starts
     * at :00), ordered by metric and time, at most {@code maxPoints} (a query that would return more throws
     * {@link IllegalArgumentException} saying so: ask for a larger step or a shorter range).
     *
     * @throws java.util.NoSuchElementException the device is not known
     */
    List<SeriesPoint> series(ReadingQuery query, int maxPoints);

    /**
     * A device's pictures in {@code [from, to)}, oldest first, at most {@code max}, after {@code after} (the
     * previous page's last one, or {@code null}).
     *
     * @throws java.util.NoSuchElementException the device is not known
     */
    List<Blob> pictures(String deviceId, Instant from, Instant to, Blob after, int max);

    /** A stored picture's metadata, if it is kept. */
    Optional<Blob> picture(String sha256);

    /** A stored picture's bytes, if it is kept. */
    Optional<byte[]> pictureContent(String sha256);

    /**
     * Recorded exchanges that started in {@code [from, to)}, for {@code host} and with {@code outcome} when not
     * {@code null}, newest first, at most {@code max}, below id {@code beforeId} (the previous page's last id, or
     * {@link Long#MAX_VALUE}).
     */
    List<StoredFlow> flows(Instant from, Instant to, String host, Flow.Outcome outcome, long beforeId, int max);

    /**
     * How many recorded exchanges {@link #flows} would list with no limit, counted up to {@code max}; no flow is
     * read whole.
     *
     * @since 0.4
     */
    long countFlows(Instant from, Instant to, String host, Flow.Outcome outcome, long max);
}
