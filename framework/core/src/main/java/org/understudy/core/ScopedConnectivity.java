package org.understudy.core;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import org.understudy.api.Connectivity;
import org.understudy.api.Subscription;
import org.understudy.api.UpstreamState;

/** One plugin's view of the {@link ConnectivityTracker}: its listeners and probes end with the plugin. */
final class ScopedConnectivity implements Connectivity, AutoCloseable {

    private final ConnectivityTracker tracker;
    private final ScopedScheduler scheduler;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    ScopedConnectivity(ConnectivityTracker tracker, ScopedScheduler scheduler) {
        this.tracker = tracker;
        this.scheduler = scheduler;
    }

    @Override
    public UpstreamState state(String upstream) {
        return tracker.state(upstream);
    }

    @Override
    public java.util.List<UpstreamState> all() {
        return tracker.all();
    }

    @Override
    public void reportSuccess(String upstream) {
        tracker.report(upstream, true, null);
    }

    @Override
    public void reportFailure(String upstream, String reason) {
        tracker.report(upstream, false, reason == null ? "unknown failure" : reason);
    }

    @Override
    public Subscription monitor(String upstream, InetSocketAddress address, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("probe interval must be positive");
        }
        ScheduledFuture<?> f = scheduler.scheduleBlockingWithFixedDelay(() -> tracker.probe(upstream, address, interval),
                Duration.ZERO, interval);
        return remember(() -> f.cancel(false));
    }

    @Override
    public Subscription onChange(Consumer<UpstreamState> listener) {
        Runnable remove = tracker.addListener(listener);
        return remember(remove::run);
    }

    private Subscription remember(Subscription s) {
        subscriptions.add(s);
        return () -> {
            subscriptions.remove(s);
            s.close();
        };
    }

    @Override
    public void close() {
        subscriptions.forEach(Subscription::close);
        subscriptions.clear();
    }
}
