package org.understudy.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.PluginContext;
import org.understudy.api.RecordException;
import org.understudy.api.model.Flow;

/**
 * Flows gathered from every connection and written in batches, {@link #FLUSH_DELAY} after the first flow of a
 * batch, off the devices' critical path: a flow is a record of an exchange, not the device's data. Thread-safe.
 */
final class FlowWriter {

    private static final Logger LOG = LoggerFactory.getLogger(FlowWriter.class);
    /** Flows per store write: small enough that device data queued behind a write is not held up long. */
    private static final int MAX_FLOWS_PER_WRITE = 128;
    /**
     * Flows waiting at most (a few seconds' worth at the proxy's top rate): past it, while the store cannot keep
     * up or is down, a flow is dropped and counted rather than the heap filled. A flow is the record of an
     * exchange; the readings and pictures in it are recorded on their own, before the device's reply.
     */
    static final int MAX_QUEUED_FLOWS = 50_000;
    /** How long a flow waits for others to be written with it. */
    static final Duration FLUSH_DELAY = Duration.ofMillis(250);

    private final PluginContext<ProxyConfig> context;
    private final ProxyMeters meters;
    private final Queue<Flow> flows = new ArrayBlockingQueue<>(MAX_QUEUED_FLOWS);
    final LongAdder dropped = new LongAdder();
    private final Runnable flushSoon;

    FlowWriter(PluginContext<ProxyConfig> context, ProxyMeters meters) {
        this.context = context;
        this.meters = meters;
        this.flushSoon = context.scheduler().coalescing(FLUSH_DELAY, this::flush);
    }

    /** Counts the exchange and queues its flow for the next batched write. */
    void queue(Flow flow) {
        meters.exchanged(flow);
        if (flows.offer(flow)) {
            flushSoon.run();
        } else {
            dropped.increment();
        }
    }

    /** Counts an exchange whose flow is written at once, not queued (an upload kept for backfill). */
    void counted(Flow flow) {
        meters.exchanged(flow);
    }

    /** Writes the flows gathered so far, in writes of a few each (on a blocking thread; at the proxy's stop). */
    void flush() {
        while (true) {
            List<Flow> batch = new ArrayList<>(MAX_FLOWS_PER_WRITE);
            for (Flow f; batch.size() < MAX_FLOWS_PER_WRITE && (f = flows.poll()) != null;) {
                batch.add(f);
            }
            if (batch.isEmpty()) {
                return;
            }
            try {
                context.recorder().recordFlows(batch);
            } catch (RecordException e) {
                LOG.warn("{} flow(s) not recorded: {}", batch.size(), e.getMessage());
            }
        }
    }
}
