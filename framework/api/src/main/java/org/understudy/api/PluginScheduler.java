package org.understudy.api;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;

/**
 * Timers and blocking work for one plugin, on threads the runtime owns. Everything scheduled through it
 * is cancelled when the plugin stops. A task that throws is logged; a periodic task keeps running.
 */
public interface PluginScheduler {

    /** Runs {@code task} once after {@code delay} on the runtime's timer thread; must not block. */
    ScheduledFuture<?> schedule(Runnable task, Duration delay);

    /** Runs {@code task} repeatedly with {@code delay} between runs, on the timer thread; must not block. */
    ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration initialDelay, Duration delay);

    /**
     * Runs {@code task} on a blocking thread every {@code delay}, first after {@code initialDelay}. Runs
     * never overlap: while one is still going, a due run is skipped. Cancelling the returned future stops
     * further runs.
     */
    ScheduledFuture<?> scheduleBlockingWithFixedDelay(Runnable task, Duration initialDelay, Duration delay);

    /**
     * An executor for blocking work (disk, {@link Recorder} calls, blocking sockets). Tasks submitted
     * after the plugin stopped are rejected.
     */
    Executor blocking();

    /** Runs {@code work} on the blocking executor and completes with its result. */
    <T> CompletableFuture<T> supplyBlocking(Callable<T> work);
}
