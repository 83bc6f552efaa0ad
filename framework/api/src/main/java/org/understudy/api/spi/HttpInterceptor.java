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

    /**
     * How long the device that sent {@code request} waits for a reply (a profile speaking for several families
     * gives each its own); {@link #replyDeadline()} unless overridden. The request may be its head only (no body
     * yet) when it is forwarded while its body arrives.
     *
     * @since 0.3
     */
    default Duration replyDeadline(HttpRequest request) {
        return replyDeadline();
    }

    /** Extracts readings and pictures from a request; must not throw for bad input (return NONE). */
    Observation observe(HttpRequest request);

    /**
     * Whether this request goes to the real backend while it answers (the default). A profile that keeps a
     * family's uploads local answers {@code false}: the request is answered by {@link #impersonate} at once.
     * The request may be its head only (no body yet) when it is forwarded while its body arrives.
     *
     * @since 0.3
     */
    default boolean forwards(HttpRequest request) {
        return true;
    }

    /**
     * The request as it is recorded in flows: without what must never be stored (a station's password in the
     * query, say). The real backend still gets the request as sent. The default records it as sent. Returns
     * {@code request} itself when nothing is left out; a different instance means the request was redacted, and
     * the proxy then never re-sends (backfills) the recorded copy.
     *
     * @since 0.3
     */
    default HttpRequest recorded(HttpRequest request) {
        return request;
    }

    /** Learns from a real 2xx reply of the backend (header set, times, ...); never called for others. */
    void learn(HttpRequest request, HttpReply reply);

    /**
     * Builds the backend's reply while it is unreachable; empty means the request cannot be faked and
     * is answered 503.
     */
    Optional<HttpReply> impersonate(HttpRequest request);
}
