package org.understudy.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;

/**
 * Timers and blocking work for one plugin, on threads the runtime owns. Everything scheduled through it
 * is cancelled when the plugin stops. A task that throws is logged; a periodic task keeps running.
 *
 * <p>An idle gateway should wake no thread: prefer {@link #coalescing} and {@link #onDirectoryChange}, which run
 * only when there is something to do, to a periodic task that usually finds nothing.
 */
@org.osgi.annotation.versioning.ProviderType
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

    /**
     * A task run on a blocking thread only when asked for, at most one run per {@code delay}. Running the returned
     * {@link Runnable} (from any thread, without blocking) asks for a run: the first request after a run starts
     * schedules one, {@code delay} later; requests until it starts join it, and a request made while it runs
     * schedules the next. Nothing is scheduled while nobody asks, so an idle plugin costs no wake-up (a batch
     * written only when something was queued, rather than checked every {@code delay}). Requests after the plugin
     * stopped are ignored.
     *
     * @since 0.6
     */
    Runnable coalescing(Duration delay, Runnable blockingTask);

    /**
     * Runs {@code task} on a blocking thread when an entry of {@code directory} is created, written, renamed or
     * deleted, as the file system reports it (Linux inotify): {@code interval} after the first change, then every
     * {@code interval} for a few seconds after the last one, so a task that waits for a file being written to
     * settle (two reads alike) sees it settle. A directory that does not exist yet, or was deleted, is watched for
     * through its nearest existing parent: when it appears, the task runs as after a change. It also runs about once
     * a minute whatever happens, for file systems that report no changes (network mounts).
     * Runs never overlap; the task finds out itself what changed. It does not run at once: the caller reads the
     * directory's current state itself; but it runs once {@code interval} after this call, so that a change made
     * between the caller's read and the start of the watch (which sends no event) is not missed. Closing the
     * returned subscription, or stopping the plugin, ends it.
     *
     * @since 0.6
     */
    Subscription onDirectoryChange(Path directory, Duration interval, Runnable task);

    /** Runs {@code work} on the blocking executor and completes with its result. */
    <T> CompletableFuture<T> supplyBlocking(Callable<T> work);
}
