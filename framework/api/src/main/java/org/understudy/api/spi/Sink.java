package org.understudy.api.spi;

import java.util.List;
import org.understudy.api.Plugin;
import org.understudy.api.model.StoredReading;

/**
 * A destination readings are forwarded to (InfluxDB, MQTT, ...); any number run at once. The runtime
 * keeps a durable cursor per sink in the store, calls {@link #deliver} with consecutive batches in
 * store order, and retries a failed batch with capped exponential backoff until it succeeds.
 */
public interface Sink<C extends Record> extends Plugin<C> {

    /**
     * Delivers a batch. Called on a runtime thread dedicated to this sink, never concurrently; may
     * block (network I/O) but should honour the sink's own timeouts. Returning normally acknowledges
     * the whole batch. Deliveries may be repeated after a crash, so the destination should be
     * idempotent (for example explicit timestamps).
     *
     * @throws RejectedReadingException the destination refused one reading for good: it is parked and
     *     counted, and delivery goes on after it
     * @throws Exception anything else: the batch is retried later
     */
    void deliver(List<StoredReading> batch) throws Exception;

    /**
     * A cheap check that the destination is reachable again (an HTTP ping, an open connection), made every
     * {@code sinkProbeInterval} while a failed delivery waits for its retry: {@code true} ends the wait at
     * once, so delivery resumes within seconds of the destination's return rather than after the backoff.
     * Called on the sink's runtime thread; should take no longer than the sink's own timeouts. The default has
     * no such check: the retry waits out its backoff.
     */
    default boolean reachable() throws Exception {
        return false;
    }

    /**
     * Whether deliveries should happen now. While false, readings wait in the store and the sink's
     * cursor stays where it is (for a sink installed but not configured yet). Must be cheap.
     */
    default boolean enabled() {
        return true;
    }
}
