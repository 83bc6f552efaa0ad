package org.understudy.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
            AtomicInteger running = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            AtomicInteger runs = new AtomicInteger();
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

    @Test
    void coalescingRunsOncePerBurstOfRequestsAndNeverWithoutOne() throws Exception {
        try (SharedThreads threads = new SharedThreads(4, () -> 1)) {
            ScopedScheduler scheduler = new ScopedScheduler("test", getClass().getClassLoader(), threads);
            AtomicInteger runs = new AtomicInteger();
            AtomicInteger queued = new AtomicInteger();
            AtomicInteger written = new AtomicInteger();
            Duration delay = Duration.ofMillis(300);
            Runnable flushSoon = scheduler.coalescing(delay, () -> {
                runs.incrementAndGet();
                written.addAndGet(queued.getAndSet(0));
            });
            long started = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                queued.incrementAndGet();
                flushSoon.run();
            }
            boolean allAskedBeforeTheRun = System.nanoTime() - started < delay.toNanos();
            await("the burst written").atMost(Duration.ofSeconds(10)).until(() -> written.get() == 1000);
            if (allAskedBeforeTheRun) {
                assertEquals(1, runs.get(), "1000 requests within the delay, one run");
            }
            int first = runs.get();
            // a request after the run started gets a run of its own
            queued.incrementAndGet();
            flushSoon.run();
            await("the late one written").atMost(Duration.ofSeconds(10)).until(() -> written.get() == 1001);
            int after = runs.get();
            assertEquals(first + 1, after);
            Thread.sleep(3 * delay.toMillis()); // no request: nothing runs (load can only delay a run, never add one)
            assertEquals(after, runs.get(), "no request, no run");
            assertEquals(0, scheduler.tracked(), "nothing scheduled while nobody asks");
            scheduler.close();
            flushSoon.run(); // ignored once stopped, not thrown at the caller
            assertEquals(0, scheduler.tracked());
        }
    }

    @Test
    void aDirectoryWatchRunsItsTaskOnChangesUntilClosedWithThePlugin(@TempDir Path dir)
            throws Exception {
        try (SharedThreads threads = new SharedThreads(4, () -> 1)) {
            ScopedScheduler scheduler = new ScopedScheduler("test", getClass().getClassLoader(), threads);
            AtomicInteger runs = new AtomicInteger();
            scheduler.onDirectoryChange(dir, Duration.ofMillis(20), runs::incrementAndGet);
            Files.writeString(dir.resolve("a.json"), "{}");
            await("a run after the change").atMost(Duration.ofSeconds(10)).until(() -> runs.get() > 0);
            scheduler.close();
            await("the runs after the change stop with the plugin").atMost(Duration.ofSeconds(5))
                    .until(() -> scheduler.tracked() == 0);
            int stopped = runs.get();
            Files.writeString(dir.resolve("b.json"), "{}");
            Thread.sleep(200);
            assertEquals(stopped, runs.get(), "a closed plugin's watch runs nothing");
        }
    }
}
