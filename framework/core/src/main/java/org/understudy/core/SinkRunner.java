package org.understudy.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.model.StoredReading;
import org.understudy.api.spi.ReadingStore;
import org.understudy.api.spi.RejectedReadingException;
import org.understudy.api.spi.Sink;

/**
 * Store-and-forward for one sink: reads the store after the sink's durable cursor, delivers in order,
 * moves the cursor (durably) after each delivery, retries a failed delivery forever with capped
 * exponential backoff, parks a reading the destination refuses for good and goes on. Runs on one
 * runtime blocking thread until stopped; resumes from the cursor after any restart.
 */
final class SinkRunner implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkRunner.class);
    private static final int PARKED_SHOWN = 20;

    private final String sinkId;
    private final Sink<?> sink;
    private final Supplier<Optional<ReadingStore<?>>> store;
    private final Supplier<RuntimeSettings> settings;
    private final Clock clock;
    private final java.util.concurrent.Executor prefetcher;
    private final Semaphore wake = new Semaphore(0);
    private final Deque<Map<String, Object>> parked = new ArrayDeque<>();
    private volatile boolean stopped;
    /** Only a runner that has caught up is woken by new readings: not one that is disabled or backing off. */
    private volatile boolean awaitingData;
    private volatile long cursor = -1;
    private volatile long delivered;
    private volatile long parkedCount;
    private volatile long retries;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile Instant lastDeliveryAt;
    /** What the loop is doing, for the status: waiting for the store, disabled, delivering, caught up, retrying. */
    private volatile String state = "starting";
    private volatile Instant retryAt;
    private volatile long probes;

    /** @param prefetcher runs the read of the next batch while the current one is being delivered */
    SinkRunner(String sinkId, Sink<?> sink, Supplier<Optional<ReadingStore<?>>> store, Supplier<RuntimeSettings> settings,
               Clock clock, java.util.concurrent.Executor prefetcher) {
        this.prefetcher = prefetcher;
        this.sinkId = sinkId;
        this.sink = sink;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    /** New readings were recorded: look now instead of at the next poll. */
    void wake() {
        if (awaitingData && wake.availablePermits() == 0) {
            wake.release();
        }
    }

    void stop() {
        stopped = true;
        wake.release();
    }

    @Override
    public void run() {
        Duration backoff = null;
        // the next batch, read while the current one is delivered; deliveries themselves stay in order
        java.util.concurrent.CompletableFuture<List<StoredReading>> next = null;
        long nextAfter = -1;
        while (!stopped && !Thread.currentThread().isInterrupted()) {
            ReadingStore<?> s = store.get().orElse(null);
            if (s == null || !sink.enabled()) {
                state = s == null ? "waiting for the store" : "disabled";
                sleep(settings.get().sinkPollInterval());
                continue;
            }
            try {
                if (cursor < 0) {
                    cursor = s.cursor(sinkId);
                }
                int size = settings.get().sinkBatchSize();
                // set before reading: a reading recorded after this read must wake the pause below
                awaitingData = true;
                List<StoredReading> batch = next != null && nextAfter == cursor ? next.join() : s.readAfter(cursor, size);
                next = null;
                if (batch.isEmpty()) {
                    state = "caught up";
                    pause(settings.get().sinkPollInterval());
                    continue;
                }
                awaitingData = false;
                state = "delivering";
                long after = batch.get(batch.size() - 1).sequence();
                if (batch.size() == size) {
                    next = java.util.concurrent.CompletableFuture.supplyAsync(() -> s.readAfter(after, size), prefetcher);
                    nextAfter = after;
                }
                try {
                    sink.deliver(batch);
                    advance(s, after, batch.size());
                } catch (RejectedReadingException rejected) {
                    long before = batch.stream().filter(r -> r.sequence() < rejected.sequence()).count();
                    park(rejected);
                    advance(s, rejected.sequence(), before);
                }
                // the last error stays shown until a delivery succeeds
                backoff = null;
                lastError = null;
                retryAt = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                next = null;
                Duration initial = settings.get().sinkRetryInitial();
                Duration max = settings.get().sinkRetryMax();
                backoff = backoff == null ? initial : backoff.multipliedBy(2);
                if (backoff.compareTo(max) > 0) {
                    backoff = max;
                }
                retries++;
                lastError = org.understudy.api.Errors.describe(e);
                lastErrorAt = clock.instant();
                LOG.warn("sink {} could not deliver (retry in {} ms): {}", sinkId, backoff.toMillis(), lastError);
                // jitter: up to a quarter more, so sinks that failed together do not retry together
                Duration wait = backoff.plusMillis(ThreadLocalRandom.current().nextLong(backoff.toMillis() / 4 + 1));
                retryAt = clock.instant().plus(wait);
                state = "retrying";
                waitOrProbe(wait);
            }
        }
    }

    private void advance(ReadingStore<?> s, long sequence, long count) throws Exception {
        s.saveCursor(sinkId, sequence);
        cursor = sequence;
        delivered += count;
        lastDeliveryAt = clock.instant();
    }

    private void park(RejectedReadingException rejected) {
        parkedCount++;
        LOG.error("sink {} refused reading {} for good; parked: {}", sinkId, rejected.sequence(), rejected.getMessage());
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("sequence", rejected.sequence());
        entry.put("reason", rejected.getMessage());
        entry.put("at", clock.instant().toString());
        synchronized (parked) {
            parked.addFirst(entry);
            while (parked.size() > PARKED_SHOWN) {
                parked.removeLast();
            }
        }
    }

    /**
     * Waits {@code d} before a retry, asking the sink every {@code sinkProbeInterval} whether its destination is
     * back: if it is, the wait ends at once. Stopping cuts it short too; new readings do not.
     */
    private void waitOrProbe(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (!stopped) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Duration probe = settings.get().sinkProbeInterval();
            sleep(Duration.ofNanos(Math.min(left, probe.toNanos())));
            if (stopped || System.nanoTime() >= end) {
                return;
            }
            try {
                probes++;
                if (sink.reachable()) {
                    LOG.info("sink {}: the destination is reachable again, retrying now", sinkId);
                    return;
                }
            } catch (Exception e) {
                LOG.debug("sink {} probe: {}", sinkId, org.understudy.api.Errors.describe(e));
            }
        }
    }

    /** Waits {@code d}; only stopping cuts it short, new readings do not. */
    private void sleep(Duration d) {
        awaitingData = false;
        wake.drainPermits();
        if (!stopped) { // a stop's permit may just have been drained
            pause(d);
        }
    }

    /** Waits {@code d} or until new readings are recorded. */
    private void pause(Duration d) {
        try {
            wake.tryAcquire(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }


    /** Readings kept but not delivered yet (one small read); empty before the cursor is known, without a store, or when it fails. */
    OptionalLong backlog() {
        long c = cursor;
        ReadingStore<?> s = store.get().orElse(null);
        if (s == null || c < 0) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Math.max(0, s.lastSequence() - c));
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** How long ago the oldest reading not delivered yet was received (zero when none waits): one indexed read. */
    Optional<Duration> oldestUnsentAge() {
        long c = cursor;
        ReadingStore<?> s = store.get().orElse(null);
        if (s == null || c < 0) {
            return Optional.empty();
        }
        try {
            List<StoredReading> oldest = s.readAfter(c, 1);
            Duration age = oldest.isEmpty() ? Duration.ZERO : Duration.between(oldest.get(0).reading().receivedAt(), clock.instant());
            return Optional.of(age.isNegative() ? Duration.ZERO : age);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Delivery figures for the status API: cursor, backlog, oldest unsent age, errors, parked readings. */
    Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        long c = cursor;
        out.put("cursor", c < 0 ? null : c);
        if (c >= 0 && store.get().isPresent()) {
            OptionalLong backlog = backlog();
            out.put("backlog", backlog.isPresent() ? backlog.getAsLong() : null);
            if (backlog.isPresent()) {
                oldestUnsentAge().ifPresent(age -> out.put("oldestUnsentAgeSeconds", age.toSeconds()));
            }
        }
        out.put("state", state);
        Instant retry = retryAt;
        if (retry != null) {
            out.put("retryAt", retry.toString());
        }
        out.put("enabled", sink.enabled());
        out.put("delivered", delivered);
        out.put("retries", retries);
        out.put("probes", probes);
        out.put("lastError", lastError);
        out.put("lastErrorAt", lastErrorAt == null ? null : lastErrorAt.toString());
        out.put("lastDeliveryAt", lastDeliveryAt == null ? null : lastDeliveryAt.toString());
        out.put("parked", parkedCount);
        synchronized (parked) {
            out.put("recentlyParked", List.copyOf(parked));
        }
        return out;
    }
}
