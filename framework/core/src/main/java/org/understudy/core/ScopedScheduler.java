package org.understudy.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.PluginScheduler;
import org.understudy.api.Subscription;

/**
 * One plugin's view of the shared threads. Tracks what the plugin scheduled so that {@link #close()}
 * cancels it all; runs tasks with the plugin's class loader as context loader and logs what they throw.
 */
final class ScopedScheduler implements PluginScheduler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScopedScheduler.class);

    private final String pluginId;
    private final ClassLoader pluginLoader;
    private final SharedThreads threads;
    private final Set<Future<?>> pending = ConcurrentHashMap.newKeySet();
    private final Set<Subscription> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    ScopedScheduler(String pluginId, ClassLoader pluginLoader, SharedThreads threads) {
        this.pluginId = pluginId;
        this.pluginLoader = pluginLoader;
        this.threads = threads;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        checkOpen();
        AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
        Runnable guarded = guard(task);
        ScheduledFuture<?> f = threads.timer().schedule(() -> {
            try {
                guarded.run();
            } finally {
                forget(self.get());
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
        self.set(f);
        track(f);
        if (f.isDone()) {
            forget(f); // it ran before it was known
        }
        return f;
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration initialDelay, Duration delay) {
        checkOpen();
        ScheduledFuture<?> f = threads.timer().scheduleWithFixedDelay(guard(task), initialDelay.toNanos(),
                delay.toNanos(), TimeUnit.NANOSECONDS);
        return track(f); // runs until cancelled, by the plugin or by close()
    }

    @Override
    public ScheduledFuture<?> scheduleBlockingWithFixedDelay(Runnable task, Duration initialDelay, Duration delay) {
        AtomicBoolean running = new AtomicBoolean();
        Executor blocking = blocking();
        // the timer only hands the task over: it must never wait for disk or network itself
        return scheduleWithFixedDelay(() -> {
            if (running.compareAndSet(false, true)) {
                blocking.execute(() -> {
                    try {
                        task.run();
                    } finally {
                        running.set(false);
                    }
                });
            }
        }, initialDelay, delay);
    }

    @Override
    public Runnable coalescing(Duration delay, Runnable blockingTask) {
        AtomicBoolean requested = new AtomicBoolean();
        Executor blocking = blocking();
        return () -> {
            if (closed || !requested.compareAndSet(false, true)) {
                return;
            }
            try {
                schedule(() -> blocking.execute(() -> {
                    // cleared before the run: what is queued from now on asks for the next run
                    requested.set(false);
                    blockingTask.run();
                }), delay);
            } catch (RejectedExecutionException stopped) {
                // the plugin stopped meanwhile: its own stop flushes what is left
            }
        };
    }

    @Override
    public Subscription onDirectoryChange(Path directory, Duration interval, Runnable task) {
        checkOpen();
        Subscription[] self = new Subscription[1];
        Subscription watch = threads.directoryWatch().onChange(directory, interval, blocking(), task);
        self[0] = () -> {
            watch.close();
            watches.remove(self[0]);
        };
        watches.add(self[0]);
        if (closed) {
            self[0].close();
        }
        return self[0];
    }

    @Override
    public Executor blocking() {
        return task -> {
            checkOpen();
            // tracked while it waits or runs, forgotten when done: the hot paths submit a task per request
            FutureTask<Void> f = new FutureTask<>(guard(task), null) {
                @Override
                protected void done() {
                    forget(this);
                }
            };
            track(f);
            threads.blocking().execute(f);
        };
    }

    @Override
    public <T> CompletableFuture<T> supplyBlocking(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        blocking().execute(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    private <F extends Future<?>> F track(F future) {
        pending.add(future);
        if (closed) {
            future.cancel(true);
        }
        return future;
    }

    private void forget(Future<?> future) {
        if (future != null) {
            pending.remove(future);
        }
    }

    /** How many tasks are tracked now (for tests: finished ones must not pile up). */
    int tracked() {
        return pending.size();
    }

    private void checkOpen() {
        if (closed) {
            throw new RejectedExecutionException("plugin " + pluginId + " is stopped");
        }
    }

    private Runnable guard(Runnable task) {
        return () -> {
            Thread current = Thread.currentThread();
            ClassLoader previous = current.getContextClassLoader();
            current.setContextClassLoader(pluginLoader);
            try {
                task.run();
            } catch (Throwable t) {
                LOG.error("task of plugin {} failed", pluginId, t);
            } finally {
                current.setContextClassLoader(previous);
            }
        };
    }

    @Override
    public void close() {
        closed = true;
        for (Subscription w : watches) {
            w.close();
        }
        for (Future<?> f : pending) {
            f.cancel(true);
        }
        pending.clear();
    }
}
