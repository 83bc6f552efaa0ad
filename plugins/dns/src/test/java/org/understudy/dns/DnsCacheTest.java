package org.understudy.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class DnsCacheTest {

    private static final long S = 1_000_000_000L;

    static Message answer(String name, long... ttls) throws Exception {
        Message m = new Message(0);
        m.getHeader().setFlag(Flags.QR);
        Name n = Name.fromString(name);
        m.addRecord(Record.newRecord(n, Type.A, DClass.IN), Section.QUESTION);
        int i = 1;
        for (long ttl : ttls) {
            m.addRecord(new ARecord(n, DClass.IN, ttl, InetAddress.getByName("192.0.2." + i++)), Section.ANSWER);
        }
        return m;
    }

    static Message negative(String name, int rcode, Long soaTtl, long minimum) throws Exception {
        Message m = answer(name);
        m.getHeader().setRcode(rcode);
        if (soaTtl != null) {
            m.addRecord(new SOARecord(Name.fromString("org."), DClass.IN, soaTtl, Name.fromString("ns.org."),
                    Name.fromString("host.org."), 1, 2, 3, 4, minimum), Section.AUTHORITY);
        }
        return m;
    }

    @Test
    void positiveAnswersLiveForTheSmallestTtlCapped() throws Exception {
        DnsCache cache = new DnsCache(100, Duration.ofSeconds(200), Duration.ofSeconds(60));
        DnsCache.Entry e = cache.put(new DnsCache.Key("a.org", Type.A), answer("a.org.", 300, 250), 0);
        assertEquals(200, e.ttlSeconds(), "capped by cacheMaxTtl");
        assertTrue(e.fresh(199 * S));
        assertFalse(e.fresh(200 * S));
        assertEquals(120, cache.put(new DnsCache.Key("b.org", Type.A), answer("b.org.", 120, 180), 0).ttlSeconds());
    }

    @Test
    void negativeAnswersFollowRfc2308() throws Exception {
        DnsCache cache = new DnsCache(100, Duration.ofDays(1), Duration.ofSeconds(60));
        assertEquals(30, cache.put(new DnsCache.Key("nx.org", Type.A), negative("nx.org.", Rcode.NXDOMAIN, 3600L, 30), 0).ttlSeconds());
        assertEquals(60, cache.put(new DnsCache.Key("nx2.org", Type.A), negative("nx2.org.", Rcode.NXDOMAIN, 3600L, 900), 0).ttlSeconds());
        assertTrue(cache.get(new DnsCache.Key("nx.org", Type.A)).negative());
        assertNull(cache.put(new DnsCache.Key("nosoa.org", Type.A), negative("nosoa.org.", Rcode.NXDOMAIN, null, 0), 0),
                "no SOA: not cached");
        assertNull(cache.put(new DnsCache.Key("fail.org", Type.A), negative("fail.org.", Rcode.SERVFAIL, 60L, 60), 0),
                "SERVFAIL is never cached");
    }

    @Test
    void staleEntriesAreUsableWithinTheirMaxAgeOnly() throws Exception {
        DnsCache.Entry e = new DnsCache(10, Duration.ofDays(1), Duration.ofHours(1))
                .put(new DnsCache.Key("a.org", Type.A), answer("a.org.", 10), 0);
        assertFalse(e.staleUsable(5 * S, Duration.ZERO), "fresh, not stale");
        assertTrue(e.staleUsable(100_000 * S, Duration.ZERO), "zero = no limit");
        assertTrue(e.staleUsable(70 * S, Duration.ofMinutes(1)));
        assertFalse(e.staleUsable(71 * S, Duration.ofMinutes(1)));
    }

    @Test
    void theNumberOfEntriesIsBounded() throws Exception {
        DnsCache cache = new DnsCache(50, Duration.ofDays(1), Duration.ofHours(1));
        for (int i = 0; i < 500; i++) {
            cache.put(new DnsCache.Key("n" + i + ".org", Type.A), answer("n" + i + ".org.", 60), 0);
        }
        assertTrue(cache.size() <= 50, "size " + cache.size());
        assertTrue(cache.evictions() >= 450);
    }
}
