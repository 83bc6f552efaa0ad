package org.understudy.core.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing at the admin login, per client address: after {@code maxFailures} wrong
 * attempts within {@code window}, the address is locked out for {@code lockout}, doubled at each further
 * lockout up to {@code maxLockout}; a right password ends it all. While locked out, attempts are refused
 * without the password even being checked (so guessing also cannot make the gateway spend its CPU on
 * PBKDF2). Thread-safe; remembers at most {@link #MAX_TRACKED} addresses.
 */
public final class LoginThrottle {

    /** Addresses remembered at most; past it, those with nothing pending are forgotten first. */
    static final int MAX_TRACKED = 4096;

    private final int maxFailures;
    private final Duration window;
    private final Duration lockout;
    private final Duration maxLockout;
    private final Clock clock;
    private final Map<String, Entry> clients = new ConcurrentHashMap<>();

    private static final class Entry {
        int failures;
        Instant windowStart;
        int lockouts;
        Instant lockedUntil = Instant.MIN;
    }

    public LoginThrottle(int maxFailures, Duration window, Duration lockout, Duration maxLockout, Clock clock) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1, got " + maxFailures);
        }
        this.maxFailures = maxFailures;
        this.window = window;
        this.lockout = lockout;
        this.maxLockout = maxLockout;
        this.clock = clock;
    }

    /** Seconds {@code client} must wait before its next attempt is even looked at; 0 = go ahead. */
    public long retryAfterSeconds(String client) {
        Entry e = clients.get(client);
        if (e == null) {
            return 0;
        }
        synchronized (e) {
            Duration left = Duration.between(clock.instant(), e.lockedUntil);
            return left.isNegative() || left.isZero() ? 0 : Math.max(1, (left.toMillis() + 999) / 1000);
        }
    }

    /** A wrong password from {@code client}. */
    public void failed(String client) {
        if (clients.size() >= MAX_TRACKED && !clients.containsKey(client)) {
            forgetIdle();
        }
        Entry e = clients.computeIfAbsent(client, k -> new Entry());
        synchronized (e) {
            Instant now = clock.instant();
            if (e.windowStart == null || Duration.between(e.windowStart, now).compareTo(window) > 0) {
                e.windowStart = now;
                e.failures = 0;
            }
            if (++e.failures >= maxFailures) {
                Duration d = lockout.multipliedBy(1L << Math.min(e.lockouts, 20));
                e.lockedUntil = now.plus(d.compareTo(maxLockout) > 0 ? maxLockout : d);
                e.lockouts++;
                e.failures = 0;
                e.windowStart = now;
            }
        }
    }

    /** The right password from {@code client}: its record is cleared. */
    public void succeeded(String client) {
        clients.remove(client);
    }

    private void forgetIdle() {
        Instant now = clock.instant();
        clients.entrySet().removeIf(en -> {
            synchronized (en.getValue()) {
                return en.getValue().lockedUntil.isBefore(now)
                        && Duration.between(en.getValue().windowStart, now).compareTo(window) > 0;
            }
        });
        if (clients.size() >= MAX_TRACKED) {
            clients.clear(); // thousands of addresses guessing at once: start over rather than grow
        }
    }
}
