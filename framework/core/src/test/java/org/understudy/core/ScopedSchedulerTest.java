package org.understudy.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ScopedSchedulerTest {

    @Test
    void finishedTasksAreForgottenRunningOnesCancelledOnClose() throws Exception {
        try (SharedThreads threads = new SharedThreads(4, () -> 1)) {
            ScopedScheduler scheduler = new ScopedScheduler("test", getClass().getClassLoader(), threads);
            CountDownLatch done = new CountDownLatch(1001);
            for (int i = 0; i < 1000; i++) {
                scheduler.blocking().execute(done::countDown);
            }
            scheduler.schedule(done::countDown, Duration.ofMillis(10));
            assertEquals("42", scheduler.supplyBlocking(() -> "42").get(5, TimeUnit.SECONDS));
            assertEquals(true, done.await(5, TimeUnit.SECONDS));
            await("finished tasks do not pile up").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> scheduler.tracked() <= 0);
            assertEquals(0, scheduler.tracked(), "finished tasks do not pile up");

            var periodic = scheduler.scheduleWithFixedDelay(() -> { }, Duration.ofMillis(10), Duration.ofMillis(10));
            assertEquals(1, scheduler.tracked(), "a periodic task is tracked until cancelled");
            scheduler.close();
            assertEquals(true, periodic.isCancelled());
            assertEquals(0, scheduler.tracked());
            assertThrows(RejectedExecutionException.class, () -> scheduler.blocking().execute(() -> { }));
        }
    }

    @Test
    void periodicBlockingRunsNeverOverlapEvenWhenSlowerThanTheirDelay() throws Exception {
        try (SharedThreads threads = new SharedThreads(4, () -> 1)) {
            ScopedScheduler scheduler = new ScopedScheduler("test", getClass().getClassLoader(), threads);
            java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
            var periodic = scheduler.scheduleBlockingWithFixedDelay(() -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(100); // ten times its delay
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                running.decrementAndGet();
                runs.incrementAndGet();
            }, Duration.ZERO, Duration.ofMillis(10));
            await("three runs").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> runs.get() >= 3);
            periodic.cancel(false);
            assertEquals(true, runs.get() >= 3, runs.get() + " runs");
            assertEquals(1, most.get(), "never two at once, with four blocking threads free");
            scheduler.close();
        }
    }
}
