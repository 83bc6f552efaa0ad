package org.understudy.dns;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-client token buckets: {@code rate} queries per second with bursts of {@code burst}. Buckets of
 * clients idle for a while are dropped by {@link #forgetIdle}, so the table stays small.
 */
final class ClientRateLimiter {

    private static final long NANOS = 1_000_000_000L;

    private static final class Bucket {
        double tokens;
        long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }
    }

    private final int rate;
    private final int burst;
    private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    ClientRateLimiter(int rate, int burst) {
        this.rate = rate;
        this.burst = burst;
    }

    boolean enabled() {
        return rate > 0;
    }

    /** Takes one token for {@code client}; false means the query is over the limit. */
    boolean tryAcquire(InetAddress client, long nowNanos) {
        if (rate <= 0) {
            return true;
        }
        Bucket b = buckets.computeIfAbsent(client, c -> new Bucket(burst, nowNanos));
        synchronized (b) {
            double refill = (nowNanos - b.last) * (double) rate / NANOS;
            b.tokens = Math.min(burst, b.tokens + refill);
            b.last = nowNanos;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return true;
            }
            return false;
        }
    }

    /** Drops buckets that have been full for a while (their clients were quiet). */
    void forgetIdle(long nowNanos) {
        long idle = (long) Math.ceil((double) burst / Math.max(rate, 1)) * NANOS + NANOS;
        buckets.entrySet().removeIf(e -> nowNanos - e.getValue().last > idle);
    }

    int tracked() {
        return buckets.size();
    }
}
