package org.understudy.dns;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/** A bounded ring of recent queries plus counters by answer source and by response code. */
final class QueryLog {

    /** Where an answer came from. */
    enum Source { INTERCEPTED, RULE, CACHE, UPSTREAM, STALE, LOCAL, REFUSED, RATE_LIMITED, ERROR }

    record Entry(Instant time, String client, String name, String type, String rcode, Source source) {}

    private final AtomicReferenceArray<Entry> ring;
    private final AtomicLong next = new AtomicLong();
    private final Map<Source, LongAdder> bySource = new LinkedHashMap<>();
    private final Map<String, LongAdder> byRcode = new java.util.concurrent.ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    QueryLog(int size) {
        ring = new AtomicReferenceArray<>(Math.max(size, 0));
        for (Source s : Source.values()) {
            bySource.put(s, new LongAdder());
        }
    }

    void record(String client, String name, String type, String rcode, Source source) {
        total.increment();
        bySource.get(source).increment();
        byRcode.computeIfAbsent(rcode, r -> new LongAdder()).increment();
        if (ring.length() > 0) {
            int slot = (int) (next.getAndIncrement() % ring.length());
            ring.set(slot, new Entry(Instant.now(), client, name, type, rcode, source));
        }
    }

    /** A packet we did not answer (garbage, or a response sent to us). */
    void dropped() {
        dropped.increment();
    }

    /** The newest entries, newest first, at most {@code max}. */
    List<Entry> recent(int max) {
        List<Entry> out = new ArrayList<>();
        long end = next.get();
        for (long i = end - 1; i >= 0 && i >= end - ring.length() && out.size() < max; i--) {
            Entry e = ring.get((int) (i % ring.length()));
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    Map<String, Object> counters() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("queries", total.sum());
        out.put("dropped", dropped.sum());
        Map<String, Long> sources = new LinkedHashMap<>();
        bySource.forEach((s, n) -> sources.put(s.name().toLowerCase(java.util.Locale.ROOT), n.sum()));
        out.put("bySource", sources);
        Map<String, Long> rcodes = new java.util.TreeMap<>();
        byRcode.forEach((r, n) -> rcodes.put(r, n.sum()));
        out.put("byRcode", rcodes);
        return out;
    }
}
