package org.understudy.core;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.understudy.api.Subscription;
import org.understudy.api.web.WebHandler;

/**
 * The web endpoints plugins contribute, by path, host-independent: the OSGi host serves each on the admin web
 * server while it is mounted; in embedded mode they are only kept. Thread-safe.
 */
public final class WebMounts {

    /** Paths plugins cannot take: the REST API, the Web Console, the Prometheus page, the watchdog's health. */
    static final Set<String> RESERVED = Set.of("api", "system", "metrics", "health");

    /**
     * One mounted endpoint.
     *
     * @param home whether it asked to be the admin web's front page ({@code /} redirects to the earliest such)
     * @param order when it was mounted, relative to the others
     */
    public record Mount(String pluginId, String path, String title, WebHandler handler, boolean home, long order) {}

    /** Told when endpoints come and go (on the thread that mounts or unmounts: must not block long). */
    public interface Listener {
        void mounted(Mount mount);

        void unmounted(Mount mount);
    }

    private final Map<String, Mount> mounts = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong mounted = new java.util.concurrent.atomic.AtomicLong();

    /** Mounts an endpoint of {@code pluginId} (the front page when {@code home}); the subscription unmounts it. */
    Subscription mount(String pluginId, String path, String title, WebHandler handler, boolean home) {
        if (path == null || !path.matches("[a-z0-9][a-z0-9-]{0,62}") || RESERVED.contains(path)) {
            throw new IllegalArgumentException("a web endpoint's path is one segment of lowercase letters, digits and '-',"
                    + " not " + RESERVED + "; got '" + path + "'");
        }
        Mount m = new Mount(pluginId, path, title == null || title.isBlank() ? path : title, handler, home, mounted.incrementAndGet());
        Mount taken = mounts.putIfAbsent(path, m);
        if (taken != null) {
            throw new IllegalArgumentException("/" + path + "/ is already served by plugin " + taken.pluginId());
        }
        listeners.forEach(l -> l.mounted(m));
        return () -> {
            if (mounts.remove(path, m)) {
                listeners.forEach(l -> l.unmounted(m));
            }
        };
    }

    /** Every endpoint mounted now, by path. */
    public List<Mount> all() {
        return mounts.values().stream().sorted(java.util.Comparator.comparing(Mount::path)).toList();
    }

    /** The front page: the earliest mount still there that asked to be it, if any. */
    public java.util.Optional<Mount> home() {
        return mounts.values().stream().filter(Mount::home).min(java.util.Comparator.comparingLong(Mount::order));
    }

    /** The endpoint serving {@code path}, if any. */
    public java.util.Optional<Mount> get(String path) {
        return java.util.Optional.ofNullable(mounts.get(path));
    }

    /** Adds a listener and tells it about every endpoint mounted already. */
    public Subscription addListener(Listener listener) {
        listeners.add(listener);
        mounts.values().forEach(listener::mounted);
        return () -> listeners.remove(listener);
    }
}
