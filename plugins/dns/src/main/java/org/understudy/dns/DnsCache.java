package org.understudy.dns;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/**
 * Answers of the upstream resolvers, positive and negative (RFC 2308), bounded in entries and TTL, kept
 * past expiry so they can be served stale (RFC 8767). Entries hold the response on the wire (ID 0, no
 * OPT), so a hit is a copy and a few patched bytes. Thread-safe and lock-free on reads.
 */
final class DnsCache {

    /** The cache's key. Its equals and hashCode are written out: every query looks one up, and a record's generated
     *  ones go through a method handle chain the quick compiler (the default) does not inline. */
    record Key(String name, int type) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key k && k.type == type && k.name.equals(name);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + type;
        }
    }

    /**
     * One cached response.
     *
     * @param wire the response, ID 0, without OPT
     * @param storedNanos when it was stored ({@link System#nanoTime()})
     * @param ttlSeconds how long it is fresh
     * @param negative NXDOMAIN or no data
     */
    record Entry(byte[] wire, long storedNanos, long ttlSeconds, boolean negative) {
        long ageSeconds(long nowNanos) {
            return (nowNanos - storedNanos) / 1_000_000_000L;
        }

        boolean fresh(long nowNanos) {
            return nowNanos - storedNanos < ttlSeconds * 1_000_000_000L;
        }

        /** Expired, but within {@code staleMaxAge} of its expiry (zero = no limit). */
        boolean staleUsable(long nowNanos, Duration staleMaxAge) {
            if (fresh(nowNanos)) {
                return false;
            }
            long pastExpiry = nowNanos - storedNanos - ttlSeconds * 1_000_000_000L;
            return staleMaxAge.isZero() || pastExpiry <= staleMaxAge.toNanos();
        }
    }

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final long maxTtl;
    private final long negativeMaxTtl;
    private final LongAdder evictions = new LongAdder();

    DnsCache(int maxEntries, Duration maxTtl, Duration negativeMaxTtl) {
        this.maxEntries = maxEntries;
        this.maxTtl = maxTtl.toSeconds();
        this.negativeMaxTtl = negativeMaxTtl.toSeconds();
    }

    Entry get(Key key) {
        return entries.get(key);
    }

    /**
     * Caches an upstream response if it may be cached: NOERROR with answers (TTL = smallest answer TTL),
     * or NXDOMAIN / no data with an SOA in authority (TTL = min(SOA TTL, SOA minimum)). Returns the entry,
     * or {@code null} when the response is not cacheable.
     */
    Entry put(Key key, Message response, long nowNanos) {
        if (maxEntries == 0) {
            return null;
        }
        int rcode = response.getRcode();
        boolean hasAnswers = !response.getSection(Section.ANSWER).isEmpty();
        long ttl;
        boolean negative;
        if (rcode == Rcode.NOERROR && hasAnswers) {
            ttl = Long.MAX_VALUE;
            for (Record r : response.getSection(Section.ANSWER)) {
                ttl = Math.min(ttl, r.getTTL());
            }
            ttl = Math.min(ttl, maxTtl);
            negative = false;
        } else if (rcode == Rcode.NXDOMAIN || rcode == Rcode.NOERROR) {
            ttl = -1;
            for (Record r : response.getSection(Section.AUTHORITY)) {
                if (r instanceof SOARecord soa) {
                    ttl = Math.min(soa.getTTL(), soa.getMinimum());
                }
            }
            if (ttl < 0) {
                return null; // RFC 2308: without an SOA a negative answer is not cached
            }
            ttl = Math.min(ttl, negativeMaxTtl);
            negative = true;
        } else {
            return null;
        }
        Message copy = response.clone();
        copy.getHeader().setID(0);
        copy.removeAllRecords(Section.ADDITIONAL);
        for (Record r : response.getSection(Section.ADDITIONAL)) {
            if (r.getType() != org.xbill.DNS.Type.OPT) {
                copy.addRecord(r, Section.ADDITIONAL);
            }
        }
        Entry entry = new Entry(copy.toWire(), nowNanos, ttl, negative);
        if (entries.size() >= maxEntries && !entries.containsKey(key)) {
            evict(nowNanos);
        }
        entries.put(key, entry);
        return entry;
    }

    /** A response that may not be cached (no SOA for a negative answer), wrapped to be sent once. */
    static Entry uncached(Message response, long nowNanos) {
        Message copy = response.clone();
        copy.getHeader().setID(0);
        copy.removeAllRecords(Section.ADDITIONAL);
        return new Entry(copy.toWire(), nowNanos, 0, response.getSection(Section.ANSWER).isEmpty());
    }

    /** Makes room: drops the entries expired longest ago, else any one entry. */
    private void evict(long nowNanos) {
        int target = Math.max(1, maxEntries / 100);
        Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
        int removed = 0;
        while (it.hasNext() && removed < target) {
            Entry e = it.next().getValue();
            if (!e.fresh(nowNanos)) {
                it.remove();
                removed++;
            }
        }
        it = entries.entrySet().iterator();
        while (removed < target && it.hasNext()) {
            it.next();
            it.remove();
            removed++;
        }
        evictions.add(removed);
    }

    int size() {
        return entries.size();
    }

    long evictions() {
        return evictions.sum();
    }
}
