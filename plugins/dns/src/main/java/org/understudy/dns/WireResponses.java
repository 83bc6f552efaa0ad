package org.understudy.dns;

import java.util.List;

/**
 * Builds responses on the wire for the hot paths (local address answers and cache hits) without going
 * through a message object: the client's question is echoed byte for byte (so its letter case too),
 * answers point at it with a compression pointer.
 */
final class WireResponses {

    static final int FLAG_QR = 0x8000;
    static final int FLAG_AA = 0x0400;
    static final int FLAG_TC = 0x0200;
    static final int FLAG_RD = 0x0100;
    static final int FLAG_RA = 0x0080;
    private static final int OPT_LENGTH = 11;

    private WireResponses() {
    }

    /** A local answer: address records (possibly none) or NXDOMAIN, authoritative. */
    static byte[] local(WireQuery q, byte[] query, int rcode, int rrType, List<byte[]> addresses, long ttl, int ednsSize) {
        int size = q.questionEnd();
        for (byte[] a : addresses) {
            size += 12 + a.length;
        }
        if (q.hasOpt()) {
            size += OPT_LENGTH;
        }
        byte[] out = new byte[size];
        System.arraycopy(query, 0, out, 0, q.questionEnd());
        header(out, q, FLAG_QR | FLAG_AA | FLAG_RA | rcode, addresses.size(), 0, q.hasOpt() ? 1 : 0);
        int pos = q.questionEnd();
        for (byte[] a : addresses) {
            out[pos++] = (byte) 0xc0;
            out[pos++] = 12;
            pos = put16(out, pos, rrType);
            pos = put16(out, pos, WireQuery.CLASS_IN);
            pos = put32(out, pos, ttl);
            pos = put16(out, pos, a.length);
            System.arraycopy(a, 0, out, pos, a.length);
            pos += a.length;
        }
        if (q.hasOpt()) {
            opt(out, pos, ednsSize);
        }
        return out;
    }

    /**
     * A cached response re-addressed to this client: its ID and RD bit, its question bytes, TTLs aged
     * ({@code ttl < 0} keeps each record's own TTL minus {@code age}, else every TTL becomes {@code ttl}),
     * an OPT record when the client sent one. Truncated (TC, question only) when over {@code maxSize}.
     */
    static byte[] cached(WireQuery q, byte[] query, byte[] cachedWire, long age, long ttl, int maxSize, int ednsSize) {
        int extra = q.hasOpt() ? OPT_LENGTH : 0;
        if (cachedWire.length + extra > maxSize) {
            return truncated(q, query, ednsSize);
        }
        byte[] out = new byte[cachedWire.length + extra];
        System.arraycopy(cachedWire, 0, out, 0, cachedWire.length);
        System.arraycopy(query, WireQuery.HEADER, out, WireQuery.HEADER, q.questionEnd() - WireQuery.HEADER);
        int flags = WireQuery.u16(cachedWire, 2) & ~(FLAG_RD | FLAG_TC) | (q.recursionDesired() ? FLAG_RD : 0);
        put16(out, 0, q.id());
        put16(out, 2, flags);
        WireTtl.age(out, age, ttl);
        if (q.hasOpt()) {
            put16(out, 10, WireQuery.u16(out, 10) + 1);
            opt(out, cachedWire.length, ednsSize);
        }
        return out;
    }

    /** Header and question only, TC set: the client retries over TCP. */
    static byte[] truncated(WireQuery q, byte[] query, int ednsSize) {
        byte[] out = new byte[q.questionEnd() + (q.hasOpt() ? OPT_LENGTH : 0)];
        System.arraycopy(query, 0, out, 0, q.questionEnd());
        header(out, q, FLAG_QR | FLAG_TC | FLAG_RA, 0, 0, q.hasOpt() ? 1 : 0);
        if (q.hasOpt()) {
            opt(out, q.questionEnd(), ednsSize);
        }
        return out;
    }

    /** An error answer built from the header alone (the question is not trusted): ID, opcode, RD kept. */
    static byte[] headerOnly(byte[] query, int rcode) {
        byte[] out = new byte[WireQuery.HEADER];
        out[0] = query[0];
        out[1] = query[1];
        int flags = WireQuery.u16(query, 2) & (0x7800 | FLAG_RD) | FLAG_QR | FLAG_RA | rcode & 0xf;
        put16(out, 2, flags);
        return out;
    }

    private static void header(byte[] out, WireQuery q, int flags, int answers, int authority, int additional) {
        put16(out, 0, q.id());
        put16(out, 2, flags | (q.recursionDesired() ? FLAG_RD : 0));
        put16(out, 4, 1);
        put16(out, 6, answers);
        put16(out, 8, authority);
        put16(out, 10, additional);
    }

    private static void opt(byte[] out, int pos, int ednsSize) {
        out[pos] = 0;
        put16(out, pos + 1, WireQuery.TYPE_OPT);
        put16(out, pos + 3, ednsSize);
        // ext-rcode, version, flags and rdlength stay zero
    }

    static int put16(byte[] out, int pos, int value) {
        out[pos] = (byte) (value >>> 8);
        out[pos + 1] = (byte) value;
        return pos + 2;
    }

    static int put32(byte[] out, int pos, long value) {
        out[pos] = (byte) (value >>> 24);
        out[pos + 1] = (byte) (value >>> 16);
        out[pos + 2] = (byte) (value >>> 8);
        out[pos + 3] = (byte) value;
        return pos + 4;
    }
}
