package org.understudy.api.spi;

import java.time.Instant;
import java.util.List;
import org.understudy.api.RecordException;
import org.understudy.api.model.Flow;
import org.understudy.api.model.StoredFlow;

/**
 * A store's recorded exchanges (flows), read back in order and with durable cursors of their own: a capability
 * a {@link ReadingStore} may have. Same threading as the store.
 */
public interface FlowStore {

    /**
     * Records flows in one durable write. A body larger than the store keeps inline is kept as a blob (linked to
     * no device) and referenced by its hash, so it reads back whole.
     */
    void recordFlows(List<Flow> flows) throws RecordException;

    /**
     * Flows with an id above {@code afterId} for {@code host} ({@code null}: any) answered with {@code outcome}
     * ({@code null}: any), oldest first, at most {@code max}. For readers that keep their place (backfill).
     */
    List<StoredFlow> flowsAfter(long afterId, String host, Flow.Outcome outcome, int max) throws RecordException;

    /**
     * Flows that started in {@code [from, to)} for {@code host} ({@code null}: any) with {@code outcome}
     * ({@code null}: any), newest first, at most {@code max}, below id {@code beforeId} ({@code Long.MAX_VALUE}
     * from the newest). For people looking at recent traffic.
     */
    List<StoredFlow> flows(Instant from, Instant to, String host, Flow.Outcome outcome, long beforeId, int max)
            throws RecordException;

    /**
     * How many flows {@link #flows} would list with no limit, counted up to {@code max} (a dashboard's "answered
     * here since the outage began"): cheap, no flow is read whole. The default pages through {@link #flows}.
     *
     * @since 0.4
     */
    default long countFlows(Instant from, Instant to, String host, Flow.Outcome outcome, long max) throws RecordException {
        long counted = 0;
        long before = Long.MAX_VALUE;
        while (counted < max) {
            List<StoredFlow> page = flows(from, to, host, outcome, before, (int) Math.min(1000, max - counted));
            if (page.isEmpty()) {
                break;
            }
            counted += page.size();
            before = page.get(page.size() - 1).id();
        }
        return counted;
    }

    /** A flow reader's durable cursor (0 when new); unlike sinks' cursors, it never holds back retention. */
    long flowCursor(String name) throws RecordException;

    /** Moves a flow reader's cursor durably. */
    void saveFlowCursor(String name, long flowId) throws RecordException;
}
