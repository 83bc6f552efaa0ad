package org.understudy.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.Subscription;

class DirectoryWatchTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService runner = Executors.newFixedThreadPool(4);

    @AfterEach
    void shutDown() {
        timer.shutdownNow();
        runner.shutdownNow();
    }

    @Test
    void aChangeRunsTheTaskUntilTheDirectoryIsQuietAndNothingRunsWithoutOne(@TempDir Path dir) throws Exception {
        // a fallback longer than the test: every run here comes from a change event
        try (DirectoryWatch watch = new DirectoryWatch(timer, "test-watch", Duration.ofHours(1), Duration.ofMillis(400))) {
            AtomicInteger runs = new AtomicInteger();
            AtomicInteger running = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            watch.onChange(dir, Duration.ofMillis(20), runner, () -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(30); // longer than the interval: runs must still not overlap
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                running.decrementAndGet();
                runs.incrementAndGet();
            });
            // one run after registration, for what changed between the owner's own read and the watch's start
            await("the catch-up run").atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
            Thread.sleep(200);
            assertEquals(1, runs.get(), "then no change, no run");

            Files.writeString(dir.resolve("a.cfg"), "x=1");
            await("runs after the change").atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 2);
            await("then quiet again").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(500))
                    .until(() -> {
                        int before = runs.get();
                        Thread.sleep(300);
                        return runs.get() == before;
                    });
            assertEquals(1, most.get(), "never two runs at once, with four threads to run them");
        }
    }

    @Test
    void aDirectoryMadeAfterRegistrationIsSeenAtOnceThroughItsParentAndAgainWhenRemadeWithoutTheFallback(
            @TempDir Path parent) throws Exception {
        Path dir = parent.resolve("later").resolve("profiles"); // neither exists yet
        // a fallback longer than the test: every run here comes from a change event
        try (DirectoryWatch watch = new DirectoryWatch(timer, "test-watch", Duration.ofHours(1), Duration.ofMillis(200))) {
            AtomicInteger runs = new AtomicInteger();
            watch.onChange(dir, Duration.ofMillis(10), runner, runs::incrementAndGet);
            assertEquals(false, watch.evented(dir));
            await("the catch-up run").atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
            Thread.sleep(100);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("a.json"), "{}");
            await("made with its parent, it is watched and its task runs").atMost(Duration.ofSeconds(10))
                    .until(() -> watch.evented(dir) && runs.get() >= 2);
            Files.delete(dir.resolve("a.json"));
            Files.delete(dir);
            await("a deleted directory is no longer evented").atMost(Duration.ofSeconds(10))
                    .until(() -> !watch.evented(dir));
            int before = runs.get();
            Files.createDirectory(dir);
            await("and watched again, its task run, when it is back").atMost(Duration.ofSeconds(10))
                    .until(() -> watch.evented(dir) && runs.get() > before);
        }
    }

    @Test
    void aDirectoryThatNeverComesRunsOnlyTheCatchUpWithoutTheFallback(@TempDir Path parent) throws Exception {
        try (DirectoryWatch watch = new DirectoryWatch(timer, "test-watch", Duration.ofHours(1), Duration.ofMillis(200))) {
            AtomicInteger runs = new AtomicInteger();
            watch.onChange(parent.resolve("never"), Duration.ofMillis(10), runner, runs::incrementAndGet);
            await("the catch-up run").atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
            Files.writeString(parent.resolve("other.txt"), "x"); // a change in the parent, not the directory
            Files.createDirectory(parent.resolve("sibling"));
            Thread.sleep(300);
            assertEquals(1, runs.get());
        }
    }

    @Test
    void theFallbackRunsATaskWhoseDirectoryIsMissing(@TempDir Path parent) throws Exception {
        try (DirectoryWatch watch = new DirectoryWatch(timer, "test-watch", Duration.ofMillis(100), Duration.ofMillis(200))) {
            AtomicInteger runs = new AtomicInteger();
            watch.onChange(parent.resolve("missing"), Duration.ofMillis(10), runner, runs::incrementAndGet);
            await("the fallback runs the task though nothing is there").atMost(Duration.ofSeconds(10))
                    .until(() -> runs.get() >= 1);
        }
    }

    @Test
    void aFileWrittenBetweenTheOwnersReadAndTheRegistrationIsSeen(@TempDir Path dir) throws Exception {
        try (DirectoryWatch watch = new DirectoryWatch(timer, "test-watch", Duration.ofHours(1), Duration.ofMillis(200))) {
            java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            Runnable reader = () -> {
                try (var files = Files.list(dir)) {
                    files.forEach(f -> seen.add(f.getFileName().toString()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            reader.run(); // the owner's own first read: nothing yet
            Files.writeString(dir.resolve("late.json"), "{}"); // then a file, before the watch starts
            watch.onChange(dir, Duration.ofMillis(10), runner, reader);
            await("the file found without any later change").atMost(Duration.ofSeconds(10))
                    .until(() -> seen.contains("late.json"));
        }
    }

    @Test
    void aClosedSubscriptionRunsNothingMore(@TempDir Path dir) throws Exception {
        try (DirectoryWatch watch = new DirectoryWatch(timer, "test-watch", Duration.ofMillis(50), Duration.ofMillis(100))) {
            AtomicInteger runs = new AtomicInteger();
            Subscription s = watch.onChange(dir, Duration.ofMillis(10), runner, runs::incrementAndGet);
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 1);
            s.close();
            Thread.sleep(100); // a run handed over just before the close may still finish
            int closed = runs.get();
            Files.writeString(dir.resolve("a.json"), "{}");
            Thread.sleep(300);
            assertEquals(closed, runs.get());
            assertTrue(closed >= 1);
        }
    }
}
