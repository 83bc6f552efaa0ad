package org.understudy.proxy;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Who may hold the proxy's device connections. Every connection counts against {@code maxConnections} and
 * against its client address's {@code maxConnectionsPerClient}. A connection that is waiting for a request
 * (idle between requests, or still receiving a request line and headers) may be evicted to make room: when
 * the proxy is full, a new connection closes one of the longest-waiting ones, from the address that holds the
 * most connections among them; a connection that is its address's only one is closed only when no other can be.
 * So connections that trickle a byte now and then, or merely stay open, can never
 * lock a device out: a device that sends its request at once always gets a slot. A connection whose request
 * has arrived and is being answered (or a spliced TLS connection) is never evicted. Thread-safe.
 */
final class ConnectionLimits {

    /** How many of the oldest waiting connections are looked at for one that shares its address. */
    private static final int EVICTION_SCAN = 64;
    /**
     * Scans that find nothing to evict before a new connection is refused: one that raced with other admissions
     * (they evicted the same connections a moment before) looks again, as the slots it freed went to them.
     */
    private static final int EVICTION_ATTEMPTS = 8;
    /**
     * Scans, of those, in which only connections of crowding addresses (more than one connection) may be evicted: a
     * scan whose crowding ones were all taken by racing admissions looks again rather than close a device's only
     * connection, which, having waited longest while a flood churns, is the oldest of all.
     */
    private static final int SPARE_SINGLES_ATTEMPTS = EVICTION_ATTEMPTS / 2;
    private static final AttributeKey<Tracked> TRACKED = AttributeKey.valueOf(ConnectionLimits.class, "tracked");

    private final int maxConnections;
    private final int maxPerClient;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();
    /** Connections waiting for a request, oldest first (keys are a sequence taken when the wait began). */
    private final ConcurrentSkipListMap<Long, Tracked> waiting = new ConcurrentSkipListMap<>();
    private final AtomicLong sequence = new AtomicLong();
    final LongAdder refusedPerClient = new LongAdder();
    final LongAdder refusedFull = new LongAdder();
    final LongAdder evicted = new LongAdder();

    ConnectionLimits(int maxConnections, int maxPerClient) {
        this.maxConnections = maxConnections;
        this.maxPerClient = maxPerClient;
    }

    /** Connections open now. */
    int open() {
        return open.get();
    }

    /** The tracking of a channel admitted by {@link #admit}, or {@code null}. */
    static Tracked of(Channel channel) {
        return channel.attr(TRACKED).get();
    }

    /**
     * Admits a new connection (waiting for its first request), evicting a waiting one when the proxy is full;
     * or refuses it. A refused channel is left to the caller to close; an admitted one is released when it
     * closes.
     *
     * @return whether the connection may stay
     */
    boolean admit(Channel channel) {
        InetAddress client = channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        AtomicInteger mine = client == null ? new AtomicInteger(1) : perClient.compute(client, (k, count) -> {
            AtomicInteger c = count == null ? new AtomicInteger() : count;
            c.incrementAndGet();
            return c;
        });
        if (mine.get() > maxPerClient) {
            release(client, mine);
            refusedPerClient.increment();
            return false;
        }
        if (!takeSlot()) {
            release(client, mine);
            refusedFull.increment();
            return false;
        }
        Tracked t = new Tracked(channel, mine);
        channel.attr(TRACKED).set(t);
        channel.closeFuture().addListener(f -> {
            t.busy();
            t.uncount();
            release(client, mine);
        });
        t.waiting();
        return true;
    }

    /** Counts one more connection if there is room, making room by evicting a waiting one if need be. */
    private boolean takeSlot() {
        int fruitless = 0;
        while (true) {
            int now = open.get();
            if (now < maxConnections) {
                if (open.compareAndSet(now, now + 1)) {
                    return true;
                }
            } else if (!evictOne(fruitless >= SPARE_SINGLES_ATTEMPTS) && ++fruitless >= EVICTION_ATTEMPTS) {
                // every waiting connection was taken by other admissions meanwhile, or none is waiting
                return false;
            }
        }
    }

    private void release(InetAddress client, AtomicInteger count) {
        if (client == null) {
            return;
        }
        perClient.compute(client, (k, c) -> c == null || c.decrementAndGet() <= 0 ? null : c);
    }

    /**
     * Closes a waiting connection: among the longest-waiting ones, one of the address holding the most connections
     * (a flood comes from few addresses; a device holds one or two), the oldest of those; when another event loop
     * claims that one first (both admit at once and scan alike), the next of the scanned in that order is taken.
     * A connection whose address holds no other is taken only when {@code singlesToo}, or when no connection of the
     * scan has an address holding more (a full proxy of single devices).
     *
     * @return whether one was closed
     */
    private boolean evictOne(boolean singlesToo) {
        List<Candidate> scanned = new ArrayList<>(EVICTION_SCAN);
        for (Iterator<Tracked> it = waiting.values().iterator(); it.hasNext() && scanned.size() < EVICTION_SCAN;) {
            Tracked t = it.next();
            scanned.add(new Candidate(t, t.clientConnections.get())); // read once: the sort needs values that hold still
        }
        // most connections first; List.sort is stable, so the oldest come first among equals
        scanned.sort(Comparator.comparingInt(Candidate::clientConnections).reversed());
        // with no crowding address among them there is nothing to spare the singles for: no scan again
        boolean spareSingles = !singlesToo && !scanned.isEmpty() && scanned.get(0).clientConnections() > 1;
        for (Candidate c : scanned) {
            if (c.clientConnections() <= 1 && spareSingles) {
                return false;
            }
            if (c.tracked().claimForEviction()) {
                evicted.increment();
                c.tracked().uncount(); // its slot is free now, not once its close completes
                c.tracked().channel.close();
                return true;
            }
        }
        return false;
    }

    /** A waiting connection as an eviction scan saw it, with its address's connections then. */
    private record Candidate(Tracked tracked, int clientConnections) {}

    /** One admitted connection: waiting for a request (evictable) or busy with one. */
    final class Tracked {
        final Channel channel;
        private final AtomicInteger clientConnections;
        /** The key in {@link #waiting} while waiting, else -1. Changed on the channel's event loop or by eviction. */
        private final AtomicLong key = new AtomicLong(-1);
        private final java.util.concurrent.atomic.AtomicBoolean counted = new java.util.concurrent.atomic.AtomicBoolean(true);

        private Tracked(Channel channel, AtomicInteger clientConnections) {
            this.channel = channel;
            this.clientConnections = clientConnections;
        }

        /** The connection waits for its next request: it may be evicted. */
        void waiting() {
            long k = sequence.incrementAndGet();
            if (key.compareAndSet(-1, k)) {
                waiting.put(k, this);
            }
        }

        /** A request arrived (or a TLS connection is spliced): it is not evictable until {@link #waiting}. */
        void busy() {
            long k = key.getAndSet(-1);
            if (k >= 0) {
                waiting.remove(k, this);
            }
        }

        /** Gives its slot back, once. */
        void uncount() {
            if (counted.compareAndSet(true, false)) {
                open.decrementAndGet();
            }
        }

        private boolean claimForEviction() {
            long k = key.get();
            return k >= 0 && key.compareAndSet(k, -1) && waiting.remove(k, this);
        }
    }
}
