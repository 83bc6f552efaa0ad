package org.understudy.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.UpstreamState;
import org.understudy.api.UpstreamState.Status;

/** The runtime-wide table of upstream states, shared by all plugins through {@link ScopedConnectivity}. */
final class ConnectivityTracker {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectivityTracker.class);
    private static final Duration MAX_PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final Map<String, UpstreamState> states = new ConcurrentHashMap<>();
    private final List<Consumer<UpstreamState>> listeners = new CopyOnWriteArrayList<>();
    private final Clock clock;

    ConnectivityTracker(Clock clock) {
        this.clock = clock;
    }

    UpstreamState state(String upstream) {
        UpstreamState known = states.get(upstream);
        return known != null ? known : new UpstreamState(upstream, Status.UNKNOWN, null, null);
    }

    void report(String upstream, boolean reachable, String reason) {
        Status status = reachable ? Status.UP : Status.DOWN;
        UpstreamState known = states.get(upstream);
        if (reachable && known != null && known.status() == Status.UP) {
            // the DNS server and the proxy report every answer: no write, no contention when nothing changes
            return;
        }
        UpstreamState[] changed = new UpstreamState[1];
        states.compute(upstream, (key, old) -> {
            if (old != null && old.status() == status) {
                return reachable ? old : new UpstreamState(key, status, old.since(), reason);
            }
            changed[0] = new UpstreamState(key, status, clock.instant(), reachable ? null : reason);
            return changed[0];
        });
        if (changed[0] != null) {
            LOG.info("upstream {} is {}{}", upstream, status, reachable ? "" : " (" + reason + ")");
            for (Consumer<UpstreamState> l : listeners) {
                try {
                    l.accept(changed[0]);
                } catch (RuntimeException e) {
                    LOG.warn("connectivity listener failed", e);
                }
            }
        }
    }

    Runnable addListener(Consumer<UpstreamState> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** One TCP connect attempt; blocking, so it runs on a blocking thread. */
    void probe(String upstream, InetSocketAddress address, Duration interval) {
        if (state(upstream).status() == Status.UP) {
            return;
        }
        int timeout = (int) Math.min(interval.toMillis(), MAX_PROBE_TIMEOUT.toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort())
                    : address, Math.max(timeout, 1));
            report(upstream, true, null);
        } catch (IOException e) {
            report(upstream, false, "probe: " + e.getMessage());
        }
    }

    /** Every upstream known, by key. */
    List<UpstreamState> all() {
        return List.copyOf(new TreeMap<>(states).values());
    }

    /** Snapshot for the status API. */
    List<Map<String, Object>> snapshot() {
        List<Map<String, Object>> out = new ArrayList<>();
        new TreeMap<>(states).values().forEach(s -> {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("upstream", s.upstream());
            m.put("status", s.status().name());
            m.put("since", s.since() == null ? null : s.since().toString());
            m.put("lastError", s.lastError());
            out.add(m);
        });
        return out;
    }
}
