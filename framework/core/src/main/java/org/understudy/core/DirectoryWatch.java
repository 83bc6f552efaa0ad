package org.understudy.core;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.Subscription;

/**
 * Runs tasks when directories change, from the file system's change events (inotify on Linux) instead of
 * scanning them every fraction of a second: an idle gateway's CPU was mostly such scans and the timer wake-ups
 * around them. One watch service and one thread, blocked until an event comes, serve every watched directory.
 *
 * <p>After a change, a directory's task runs {@code interval} later and then every {@code interval} until
 * {@link #AFTER_CHANGE} has passed without another change: files are written in steps, and the tasks (conf files,
 * bundles) apply a file only once two reads find it alike. Every {@code fallback} each task runs anyway, for file
 * systems that send no events. A directory that does not exist (yet, or any more) is waited for through its nearest
 * existing ancestor's events: when it appears its tasks run as after a change, so files made with it are seen at
 * once rather than at the next fallback run. A task also runs once {@code interval} after it is registered, for a
 * change made between its owner's first read of the directory and the start of the watch. Runs of one task never
 * overlap. Thread-safe.
 */
public final class DirectoryWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatch.class);
    /** How long a task keeps running every interval after a directory's last change. */
    public static final Duration AFTER_CHANGE = Duration.ofSeconds(5);
    /** How often each task runs even when no change is reported. */
    public static final Duration FALLBACK = Duration.ofMinutes(1);
    /** What a watched directory, and an ancestor waited on, report. */
    private static final WatchEvent.Kind<?>[] KINDS = {ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY};

    private final ScheduledExecutorService timer;
    private final String threadName;
    private final Duration fallback;
    private final Duration afterChange;
    private final Map<Path, Set<Watched>> byDirectory = new ConcurrentHashMap<>();
    /** The directories the watch service reports changes of now. */
    private final Set<Path> evented = ConcurrentHashMap.newKeySet();
    /** Existing ancestors of watched directories that are missing, registered to see those appear. */
    private final Map<Path, WatchKey> ancestors = new ConcurrentHashMap<>();
    private WatchService service;
    private Thread thread;
    private boolean closed;

    /** @param timer schedules the runs (they are handed to each task's own executor) */
    public DirectoryWatch(ScheduledExecutorService timer, String threadName) {
        this(timer, threadName, FALLBACK, AFTER_CHANGE);
    }

    DirectoryWatch(ScheduledExecutorService timer, String threadName, Duration fallback, Duration afterChange) {
        this.timer = timer;
        this.threadName = threadName;
        this.fallback = fallback;
        this.afterChange = afterChange;
    }

    /**
     * Runs {@code task} on {@code runner} when an entry of {@code directory} changes (see the class comment); not
     * at once, but once {@code interval} after this call: the caller read the directory before, and a change made
     * between that read and the start of the watch sends no event.
     */
    public Subscription onChange(Path directory, Duration interval, Executor runner, Runnable task) {
        Path dir = directory.toAbsolutePath().normalize();
        Watched w = new Watched(dir, interval.isNegative() || interval.isZero() ? Duration.ofMillis(1) : interval,
                runner, task);
        byDirectory.computeIfAbsent(dir, d -> new CopyOnWriteArraySet<>()).add(w);
        register(dir);
        w.catchUp();
        w.fallbackTimer = timer.scheduleWithFixedDelay(w::fallback, fallback.toNanos(), fallback.toNanos(),
                TimeUnit.NANOSECONDS);
        return w::close;
    }

    /**
     * Asks the file system for the directory's events, unless it reports them already. When the directory is
     * missing, its nearest existing ancestor is watched instead (see {@link #registerMissing()}); when there is no
     * watch service, the fallback runs try again.
     *
     * @return true when the directory reports its events from now on and did not before
     */
    private synchronized boolean register(Path dir) {
        if (closed || evented.contains(dir)) {
            return false;
        }
        try {
            if (service == null) {
                service = FileSystems.getDefault().newWatchService();
                thread = new Thread(this::dispatch, threadName);
                thread.setDaemon(true);
                thread.start();
            }
            if (!Files.isDirectory(dir)) {
                watchAncestor(dir);
                if (!Files.isDirectory(dir)) {
                    return false;
                }
                // made while the ancestor was being registered: its creation event may have come before
            }
            dir.register(service, KINDS);
            evented.add(dir);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("no change events for {} ({}): checked every {}", dir, e.getMessage(), fallback);
            return false;
        }
    }

    /** Registers the nearest existing ancestor of a missing directory, once. */
    private void watchAncestor(Path dir) throws IOException {
        Path ancestor = dir.getParent();
        while (ancestor != null && !Files.isDirectory(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor != null && !ancestors.containsKey(ancestor)) {
            // the same kinds as a watched directory's: registering a path again replaces what it reports
            ancestors.put(ancestor, ancestor.register(service, KINDS));
        }
    }

    /**
     * After an ancestor's event: registers every watched directory that now exists and tells its tasks (it may
     * have come with files in it), then forgets the ancestors no missing directory waits on.
     */
    private synchronized void registerMissing() {
        for (Map.Entry<Path, Set<Watched>> e : byDirectory.entrySet()) {
            if (!e.getValue().isEmpty() && !evented.contains(e.getKey()) && register(e.getKey())) {
                e.getValue().forEach(Watched::changed);
            }
        }
        ancestors.entrySet().removeIf(a -> {
            boolean waitedOn = byDirectory.entrySet().stream().anyMatch(e -> !e.getValue().isEmpty()
                    && !evented.contains(e.getKey()) && e.getKey().startsWith(a.getKey()));
            if (!waitedOn && !evented.contains(a.getKey())) {
                a.getValue().cancel(); // not when it is a watched directory itself: the key is the same
            }
            return !waitedOn;
        });
    }

    /** The watch thread: waits for events and tells each directory's tasks. */
    private void dispatch() {
        WatchService ws;
        synchronized (this) {
            ws = service;
        }
        while (true) {
            WatchKey key;
            try {
                key = ws.take();
            } catch (InterruptedException | ClosedWatchServiceException stop) {
                return;
            }
            key.pollEvents(); // what changed is for the tasks to find out; an overflow is a change like any other
            Path dir = (Path) key.watchable();
            boolean valid = key.reset();
            Set<Watched> tasks = byDirectory.get(dir);
            if (tasks != null) {
                tasks.forEach(Watched::changed);
            }
            if (!valid) {
                evented.remove(dir);
                ancestors.remove(dir);
                LOG.debug("{} is no longer there (deleted or moved); watched for through its parent", dir);
            }
            if (!valid || !ancestors.isEmpty()) {
                registerMissing();
            }
        }
    }

    /** Whether changes of {@code dir} come as events now (rather than from the fallback runs alone). */
    boolean evented(Path dir) {
        return evented.contains(dir.toAbsolutePath().normalize());
    }

    @Override
    public void close() {
        WatchService ws;
        Thread t;
        synchronized (this) {
            closed = true;
            ws = service;
            t = thread;
        }
        byDirectory.values().forEach(set -> set.forEach(Watched::close));
        byDirectory.clear();
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException e) {
                LOG.debug("closing the watch service: {}", e.getMessage());
            }
        }
        if (t != null) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One task on one directory; its state is guarded by itself. */
    private final class Watched {
        private final Path dir;
        private final Duration interval;
        private final Executor runner;
        private final Runnable task;
        private volatile ScheduledFuture<?> fallbackTimer;
        private ScheduledFuture<?> next;
        /** A run is scheduled or going: changes meanwhile are seen by the runs that follow it. */
        private boolean active;
        /** {@link System#nanoTime()} until which runs go on every interval: the last change plus AFTER_CHANGE. */
        private long busyUntil = System.nanoTime();
        private boolean closed;

        Watched(Path dir, Duration interval, Executor runner, Runnable task) {
            this.dir = dir;
            this.interval = interval;
            this.runner = runner;
            this.task = task;
        }

        /** One run, {@code interval} from now, unless one is due anyway. */
        synchronized void catchUp() {
            if (!active && !closed) {
                active = true;
                scheduleRun();
            }
        }

        synchronized void changed() {
            busyUntil = System.nanoTime() + afterChange.toNanos();
            if (!active && !closed) {
                active = true;
                scheduleRun();
            }
        }

        /** The periodic run without an event; it also watches a directory that has appeared since. */
        void fallback() {
            register(dir);
            synchronized (this) {
                if (active || closed) {
                    return;
                }
                active = true;
            }
            handOver();
        }

        private void scheduleRun() {
            try {
                next = timer.schedule(this::handOver, interval.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException shutDown) {
                active = false;
            }
        }

        private void handOver() {
            try {
                runner.execute(this::run);
            } catch (RejectedExecutionException stopped) {
                synchronized (this) {
                    active = false;
                }
            }
        }

        private void run() {
            try {
                task.run();
            } finally {
                synchronized (this) {
                    if (!closed && System.nanoTime() - busyUntil < 0) {
                        scheduleRun();
                    } else {
                        active = false;
                    }
                }
            }
        }

        void close() {
            ScheduledFuture<?> f = fallbackTimer;
            if (f != null) {
                f.cancel(false);
            }
            synchronized (this) {
                closed = true;
                if (next != null) {
                    next.cancel(false);
                }
            }
            Set<Watched> set = byDirectory.get(dir);
            if (set != null) {
                set.remove(this);
            }
        }
    }
}
