package org.understudy.dns;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.Rcode;

/**
 * A bounded ring of recent queries plus counters by answer source and by response code. Recording is on
 * the hot path: it stores raw values (epoch millis, the client's address object) and leaves all
 * formatting to whoever reads the log.
 */
final class QueryLog {

    /** Where an answer came from. */
    enum Source { INTERCEPTED, RULE, CACHE, UPSTREAM, STALE, LOCAL, REFUSED, RATE_LIMITED, ERROR }

    /** One logged query; {@code rcode} is -1 when no answer was sent. */
    record Entry(long epochMillis, InetAddress client, String name, int type, int rcode, Source source) {
        Instant time() {
            return Instant.ofEpochMilli(epochMillis);
        }

        String rcodeName() {
            return rcode < 0 ? "DROPPED" : Rcode.string(rcode);
        }

        /** As the status and the query log page show it: time, client, name, type, rcode, answer source. */
        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", time().toString());
            m.put("client", client.getHostAddress());
            m.put("name", name);
            m.put("type", type == 0 ? "" : org.xbill.DNS.Type.string(type));
            m.put("rcode", rcodeName());
            m.put("source", source.name().toLowerCase(Locale.ROOT));
            return m;
        }
    }

    private static final int RCODES = 4096;

    private final AtomicReferenceArray<Entry> ring;
    private final AtomicLong next = new AtomicLong();
    private final LongAdder[] bySource = new LongAdder[Source.values().length];
    private final LongAdder[] byRcode = new LongAdder[RCODES + 1];
    private final LongAdder total = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    QueryLog(int size) {
        ring = new AtomicReferenceArray<>(Math.max(size, 0));
        for (int i = 0; i < bySource.length; i++) {
            bySource[i] = new LongAdder();
        }
        for (int i = 0; i < byRcode.length; i++) {
            byRcode[i] = new LongAdder();
        }
    }

    /** @param rcode the response code sent, or -1 when the query got no answer */
    void record(InetAddress client, String name, int type, int rcode, Source source) {
        total.increment();
        bySource[source.ordinal()].increment();
        byRcode[rcode < 0 || rcode >= RCODES ? RCODES : rcode].increment();
        if (ring.length() > 0) {
            int slot = (int) (next.getAndIncrement() % ring.length());
            ring.set(slot, new Entry(System.currentTimeMillis(), client, name, type, rcode, source));
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

    long droppedPackets() {
        return dropped.sum();
    }

    /** Queries answered so far by each source (lower case), every source given even at 0. */
    void eachSource(java.util.function.ObjLongConsumer<String> each) {
        for (Source s : Source.values()) {
            each.accept(s.name().toLowerCase(Locale.ROOT), bySource[s.ordinal()].sum());
        }
    }

    /** Queries so far by response code name ({@code DROPPED} when none was sent), only the codes seen. */
    void eachRcode(java.util.function.ObjLongConsumer<String> each) {
        for (int r = 0; r <= RCODES; r++) {
            long n = byRcode[r].sum();
            if (n > 0) {
                each.accept(r == RCODES ? "DROPPED" : Rcode.string(r), n);
            }
        }
    }

    Map<String, Object> counters() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("queries", total.sum());
        out.put("dropped", dropped.sum());
        Map<String, Long> sources = new LinkedHashMap<>();
        eachSource(sources::put);
        out.put("bySource", sources);
        Map<String, Long> rcodes = new TreeMap<>();
        eachRcode(rcodes::put);
        out.put("byRcode", rcodes);
        return out;
    }
}
