package org.understudy.api.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * A profile's knowledge of its backend's HTTP protocol. The proxy calls it for every request to an
 * intercepted host, possibly concurrently, on event loops as well as blocking threads: implementations
 * must be thread-safe and must never block (no network or disk I/O; hand such work, like saving what
 * was learned, to {@link org.understudy.api.PluginScheduler#blocking()}), and should take well under a
 * millisecond.
 */
public interface HttpInterceptor {

    /**
     * How long the device waits for a reply: if the real backend has not sent reply headers by then,
     * the proxy impersonates instead.
     */
    Duration replyDeadline();

    /** Extracts readings and pictures from a request; must not throw for bad input (return NONE). */
    Observation observe(HttpRequest request);

    /** Learns from a real 2xx reply of the backend (header set, times, ...); never called for others. */
    void learn(HttpRequest request, HttpReply reply);

    /**
     * Builds the backend's reply while it is unreachable; empty means the request cannot be faked and
     * is answered 503.
     */
    Optional<HttpReply> impersonate(HttpRequest request);
}
