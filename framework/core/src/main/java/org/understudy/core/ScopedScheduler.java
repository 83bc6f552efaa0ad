package org.understudy.core;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.PluginScheduler;

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
    private volatile boolean closed;

    ScopedScheduler(String pluginId, ClassLoader pluginLoader, SharedThreads threads) {
        this.pluginId = pluginId;
        this.pluginLoader = pluginLoader;
        this.threads = threads;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        checkOpen();
        ScheduledFuture<?> f = threads.timer().schedule(guard(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        return track(f);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration initialDelay, Duration delay) {
        checkOpen();
        ScheduledFuture<?> f = threads.timer().scheduleWithFixedDelay(guard(task), initialDelay.toNanos(),
                delay.toNanos(), TimeUnit.NANOSECONDS);
        return track(f);
    }

    @Override
    public Executor blocking() {
        return task -> {
            checkOpen();
            track(threads.blocking().submit(guard(task)));
        };
    }

    @Override
    public <T> CompletableFuture<T> supplyBlocking(Callable<T> work) {
        checkOpen();
        CompletableFuture<T> result = new CompletableFuture<>();
        Future<?> f = threads.blocking().submit(() -> {
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(pluginLoader);
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        });
        track(f);
        result.whenComplete((v, t) -> pending.remove(f));
        return result;
    }

    private <F extends Future<?>> F track(F future) {
        pending.add(future);
        pending.removeIf(Future::isDone);
        if (closed) {
            future.cancel(true);
        }
        return future;
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
        for (Future<?> f : pending) {
            f.cancel(true);
        }
        pending.clear();
    }
}
