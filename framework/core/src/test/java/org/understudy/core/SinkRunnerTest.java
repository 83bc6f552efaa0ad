package org.understudy.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.api.PluginContext;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.api.model.StoredReading;
import org.understudy.api.spi.Sink;
import org.understudy.core.testplugins.NoConfig;
import org.understudy.store.memory.MemoryReadingStore;

/** When a sink runner looks at the store: woken by new readings when caught up, never during a backoff. */
class SinkRunnerTest {

    private final MemoryReadingStore store = new MemoryReadingStore();
    private SinkRunner runner;

    @AfterEach
    void stop() {
        if (runner != null) {
            runner.stop();
        }
    }

    private void run(Sink<?> sink, Map<String, String> settings) {
        RuntimeSettings s = new ConfigBinder(k -> null).bind(RuntimeSettings.class, RuntimeSettings.DEFAULTS, settings).config();
        runner = new SinkRunner("test", sink, () -> Optional.of(store), () -> s, Clock.systemUTC(), Runnable::run);
        Thread t = new Thread(runner, "sink-runner-test");
        t.setDaemon(true);
        t.start();
    }

    private void record() {
        store.record(List.of(new Reading("dev1", "p", Instant.now(), Instant.now(), Map.of("t", MetricValue.of(1, "Cel")), Map.of())));
        runner.wake();
    }

    @Test
    void aFailingSinkBacksOffEvenWhileReadingsKeepComing() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        run(new TestSink(batch -> {
            attempts.incrementAndGet();
            throw new java.io.IOException("destination down");
        }), Map.of("sinkRetryInitial", "400ms", "sinkRetryMax", "400ms", "sinkPollInterval", "50ms"));
        long start = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            record();
            Thread.sleep(20);
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        // readings every 20 ms: one attempt per 400-500 ms backoff, not one per reading (50)
        assertTrue(attempts.get() <= elapsedMillis / 400 + 2,
                attempts.get() + " delivery attempts in " + elapsedMillis + " ms with a 400 ms backoff");
    }

    @Test
    void aCaughtUpSinkIsWokenByANewReadingRatherThanTheNextPoll() throws Exception {
        AtomicLong delivered = new AtomicLong();
        run(new TestSink(batch -> delivered.addAndGet(batch.size())), Map.of("sinkPollInterval", "30s"));
        Thread.sleep(200); // caught up with the empty store: waiting
        record();
        await("delivered long before the 30 s poll").atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10))
                .until(() -> delivered.get() != 0);
        assertEquals(1, delivered.get(), "delivered long before the 30 s poll");
    }

    @Test
    void everyDeviceGetsItsReadingsInStoreOrderThroughFailuresRetriesAndAParkedOne() throws Exception {
        Map<String, List<Long>> acknowledged = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger calls = new AtomicInteger();
        run(new TestSink(batch -> {
            if (calls.incrementAndGet() % 4 == 0) {
                throw new java.io.IOException("flaky destination"); // the whole batch comes again
            }
            for (StoredReading r : batch) {
                if (r.sequence() == 1234) {
                    // the destination took what came before it, and refuses this one for good
                    throw new org.understudy.api.spi.RejectedReadingException(1234, "refused for good");
                }
                // acknowledged: what the destination now holds, in the order it got it
                acknowledged.computeIfAbsent(r.reading().deviceId(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add(r.sequence());
            }
        }), Map.of("sinkRetryInitial", "10ms", "sinkRetryMax", "20ms", "sinkPollInterval", "20ms", "sinkBatchSize", "97"));
        List<Reading> readings = new java.util.ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            readings.add(new Reading("dev" + (i % 3), "p", Instant.EPOCH.plusSeconds(i), Instant.now(),
                    Map.of("t", MetricValue.of(i, "Cel")), Map.of()));
        }
        store.record(readings);
        runner.wake();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> acknowledged.values().stream().mapToLong(l -> l.stream().distinct().count()).sum() >= 2999);
        for (var e : acknowledged.entrySet()) {
            List<Long> seqs = e.getValue();
            for (int i = 1; i < seqs.size(); i++) {
                assertTrue(seqs.get(i) > seqs.get(i - 1), e.getKey() + " got " + seqs.get(i) + " after " + seqs.get(i - 1));
            }
        }
        assertEquals(2999, acknowledged.values().stream().mapToLong(List::size).sum(), "each once, the parked one not at all");
    }

    @Test
    void aProbeEndsTheBackoffAsSoonAsTheDestinationIsBack() {
        java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicLong delivered = new AtomicLong();
        TestSink sink = new TestSink(batch -> {
            if (!up.get()) {
                throw new java.io.IOException("destination down");
            }
            delivered.addAndGet(batch.size());
        });
        run(new ProbingSink(sink, up), Map.of("sinkRetryInitial", "10m", "sinkRetryMax", "10m", "sinkProbeInterval", "100ms"));
        record();
        org.awaitility.Awaitility.await().until(() -> "retrying".equals(runner.status().get("state")));
        assertEquals("IOException: destination down", runner.status().get("lastError"), "shown while it lasts");
        up.set(true);
        // the backoff is ten minutes: only the probe can bring this delivery within the wait
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> delivered.get() == 1);
        assertEquals(null, runner.status().get("lastError"), "cleared by the delivery that succeeded");
    }

    /** A sink whose destination answers a ping when {@code up}. */
    private record ProbingSink(TestSink inner, java.util.concurrent.atomic.AtomicBoolean up) implements Sink<NoConfig> {
        @Override
        public String id() {
            return "test";
        }

        @Override
        public Class<NoConfig> configType() {
            return NoConfig.class;
        }

        @Override
        public NoConfig defaultConfig() {
            return new NoConfig();
        }

        @Override
        public void start(PluginContext<NoConfig> context) {
        }

        @Override
        public void stop() {
        }

        @Override
        public void deliver(List<StoredReading> batch) throws Exception {
            inner.deliver(batch);
        }

        @Override
        public boolean reachable() {
            return up.get();
        }
    }

    private interface Delivery {
        void deliver(List<StoredReading> batch) throws Exception;
    }

    private record TestSink(Delivery delivery) implements Sink<NoConfig> {
        @Override
        public String id() {
            return "test";
        }

        @Override
        public Class<NoConfig> configType() {
            return NoConfig.class;
        }

        @Override
        public NoConfig defaultConfig() {
            return new NoConfig();
        }

        @Override
        public void start(PluginContext<NoConfig> context) {
        }

        @Override
        public void stop() {
        }

        @Override
        public void deliver(List<StoredReading> batch) throws Exception {
            delivery.deliver(batch);
        }
    }
}
