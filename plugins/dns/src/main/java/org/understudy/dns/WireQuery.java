package org.understudy.dns;

import java.nio.charset.StandardCharsets;

/**
 * The fast reading of an ordinary query straight from the wire: one question of class IN with a
 * printable name, no answer or authority records, at most one OPT record with version 0. Anything else
 * returns {@code null} and goes the careful way through dnsjava.
 *
 * @param id the message ID
 * @param recursionDesired the RD bit
 * @param name the question name, lowercase, without trailing dot ("" for the root)
 * @param type the question type
 * @param questionEnd offset just past the question section
 * @param hasOpt whether the query carries an EDNS(0) OPT record
 * @param udpSize the client's advertised UDP payload size (512 without EDNS)
 */
record WireQuery(int id, boolean recursionDesired, String name, int type, int questionEnd, boolean hasOpt, int udpSize) {

    static final int HEADER = 12;
    static final int TYPE_OPT = 41;
    static final int CLASS_IN = 1;

    static WireQuery parse(byte[] p, int length) {
        if (length < HEADER + 5) {
            return null;
        }
        int flags = u16(p, 2);
        if ((flags & 0x8000) != 0 || (flags & 0x7800) != 0 || (flags & 0x0200) != 0) {
            return null; // a response, a non-QUERY opcode, or TC set in a query
        }
        if (u16(p, 4) != 1 || u16(p, 6) != 0 || u16(p, 8) != 0) {
            return null;
        }
        int additional = u16(p, 10);
        if (additional > 1) {
            return null;
        }
        // the name as it will be looked up: lowercase, labels joined by dots, one copy into a String at the end
        byte[] name = new byte[Math.min(length - HEADER, 254)];
        int nameLength = 0;
        int pos = HEADER;
        while (true) {
            if (pos >= length) {
                return null;
            }
            int label = p[pos] & 0xff;
            pos++;
            if (label == 0) {
                break;
            }
            if (label > 63 || pos + label > length || pos - HEADER + label > 254) {
                return null; // compression in a question, or an oversized label/name
            }
            if (nameLength > 0) {
                name[nameLength++] = '.';
            }
            for (int i = 0; i < label; i++) {
                int c = p[pos + i] & 0xff;
                if (c <= 0x20 || c >= 0x7f || c == '.' || c == '\\') {
                    return null;
                }
                name[nameLength++] = (byte) (c >= 'A' && c <= 'Z' ? c | 0x20 : c);
            }
            pos += label;
        }
        if (pos + 4 > length) {
            return null;
        }
        int type = u16(p, pos);
        int qclass = u16(p, pos + 2);
        pos += 4;
        int questionEnd = pos;
        if (qclass != CLASS_IN) {
            return null;
        }
        boolean hasOpt = false;
        int udpSize = 512;
        if (additional == 1) {
            // OPT: root name, type 41, class = payload size, ttl = ext-rcode/version/flags, rdlength, options
            if (pos + 11 > length || p[pos] != 0 || u16(p, pos + 1) != TYPE_OPT || (p[pos + 6] & 0xff) != 0) {
                return null;
            }
            int rdlength = u16(p, pos + 9);
            pos += 11 + rdlength;
            hasOpt = true;
            udpSize = Math.max(512, u16(p, questionEnd + 3));
        }
        if (pos != length) {
            return null;
        }
        return new WireQuery(u16(p, 0), (flags & 0x0100) != 0, new String(name, 0, nameLength, StandardCharsets.ISO_8859_1), type,
                questionEnd, hasOpt, udpSize);
    }

    static int u16(byte[] p, int offset) {
        return (p[offset] & 0xff) << 8 | p[offset + 1] & 0xff;
    }
}
