package org.understudy.dns;

/** Rewrites the TTLs of every resource record of a well-formed message in place (OPT records excepted). */
final class WireTtl {

    private WireTtl() {
    }

    /**
     * @param ttl when negative, each TTL becomes {@code max(0, ttl - age)}; otherwise every TTL becomes {@code ttl}
     */
    static void age(byte[] m, long age, long ttl) {
        int questions = WireQuery.u16(m, 4);
        int records = WireQuery.u16(m, 6) + WireQuery.u16(m, 8) + WireQuery.u16(m, 10);
        int pos = WireQuery.HEADER;
        for (int i = 0; i < questions; i++) {
            pos = skipName(m, pos) + 4;
        }
        for (int i = 0; i < records; i++) {
            pos = skipName(m, pos);
            int type = WireQuery.u16(m, pos);
            int ttlAt = pos + 4;
            if (type != WireQuery.TYPE_OPT) {
                long original = (m[ttlAt] & 0xffL) << 24 | (m[ttlAt + 1] & 0xffL) << 16 | (m[ttlAt + 2] & 0xffL) << 8
                        | m[ttlAt + 3] & 0xffL;
                WireResponses.put32(m, ttlAt, ttl >= 0 ? ttl : Math.max(0, original - age));
            }
            pos = ttlAt + 6 + WireQuery.u16(m, ttlAt + 4);
        }
    }

    private static int skipName(byte[] m, int pos) {
        while (true) {
            int len = m[pos] & 0xff;
            if (len == 0) {
                return pos + 1;
            }
            if ((len & 0xc0) == 0xc0) {
                return pos + 2;
            }
            pos += len + 1;
        }
    }
}
