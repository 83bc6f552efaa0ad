package org.understudy.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The hand-built fast paths must produce what dnsjava reads back as the intended message. */
class WireTest {

    static byte[] query(String name, int type, boolean edns) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        q.getHeader().setID(4242);
        if (edns) {
            q.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        }
        return q.toWire();
    }

    @Test
    void parsesOrdinaryQueriesAndRefusesTheRest() throws Exception {
        byte[] plain = query("BskyBackend.Bloomsky.COM.", Type.A, false);
        WireQuery q = WireQuery.parse(plain, plain.length);
        assertNotNull(q);
        assertEquals("bskybackend.bloomsky.com", q.name());
        assertEquals(4242, q.id());
        assertTrue(q.recursionDesired());
        assertEquals(512, q.udpSize());
        byte[] edns = query("a.b.", Type.AAAA, true);
        WireQuery e = WireQuery.parse(edns, edns.length);
        assertTrue(e.hasOpt());
        assertEquals(4096, e.udpSize());
        assertNull(WireQuery.parse(plain, plain.length - 1), "truncated");
        byte[] response = plain.clone();
        response[2] |= (byte) 0x80;
        assertNull(WireQuery.parse(response, response.length), "a response");
        byte[] chaos = Message.newQuery(Record.newRecord(Name.fromString("version.bind."), Type.TXT, DClass.CH)).toWire();
        assertNull(WireQuery.parse(chaos, chaos.length), "class CH goes the slow way");
    }

    @Test
    void localAnswersEchoTheQuestionAndCarryTheAddress() throws Exception {
        byte[] raw = query("BskyBackend.Bloomsky.COM.", Type.A, true);
        WireQuery q = WireQuery.parse(raw, raw.length);
        byte[] out = WireResponses.local(q, raw, Rcode.NOERROR, Type.A, List.of(new byte[] {10, 0, 0, 7}), 5, 1232);
        Message m = new Message(out);
        assertEquals(4242, m.getHeader().getID());
        assertTrue(m.getHeader().getFlag(Flags.QR));
        assertTrue(m.getHeader().getFlag(Flags.AA));
        assertTrue(m.getHeader().getFlag(Flags.RD));
        assertEquals("BskyBackend.Bloomsky.COM.", m.getQuestion().getName().toString(), "question case echoed (0x20)");
        ARecord a = (ARecord) m.getSection(Section.ANSWER).get(0);
        assertEquals(InetAddress.getByName("10.0.0.7"), a.getAddress());
        assertEquals(5, a.getTTL());
        assertEquals(1232, m.getOPT().getPayloadSize());

        byte[] nodata = WireResponses.local(q, raw, Rcode.NOERROR, Type.AAAA, List.of(), 5, 1232);
        assertEquals(0, new Message(nodata).getSection(Section.ANSWER).size());
        assertEquals(Rcode.NXDOMAIN, new Message(WireResponses.local(q, raw, Rcode.NXDOMAIN, Type.A, List.of(), 5, 1232)).getRcode());
    }

    @Test
    void cachedAnswersAreReaddressedAgedAndTruncatedWhenTooLarge() throws Exception {
        Message upstream = new Message(0);
        upstream.getHeader().setFlag(Flags.QR);
        upstream.getHeader().setFlag(Flags.RA);
        Name name = Name.fromString("example.org.");
        upstream.addRecord(Record.newRecord(name, Type.A, DClass.IN), Section.QUESTION);
        upstream.addRecord(new ARecord(name, DClass.IN, 300, InetAddress.getByName("192.0.2.1")), Section.ANSWER);
        upstream.addRecord(new ARecord(name, DClass.IN, 100, InetAddress.getByName("192.0.2.2")), Section.ANSWER);
        byte[] raw = query("EXAMPLE.org.", Type.A, false);
        WireQuery q = WireQuery.parse(raw, raw.length);

        Message aged = new Message(WireResponses.cached(q, raw, upstream.toWire(), 40, -1, 512, 1232));
        assertEquals(4242, aged.getHeader().getID());
        assertEquals("EXAMPLE.org.", aged.getQuestion().getName().toString());
        assertEquals(List.of(260L, 60L), aged.getSection(Section.ANSWER).stream().map(Record::getTTL).toList());
        Message stale = new Message(WireResponses.cached(q, raw, upstream.toWire(), 4000, 30, 512, 1232));
        assertEquals(List.of(30L, 30L), stale.getSection(Section.ANSWER).stream().map(Record::getTTL).toList());

        byte[] tooBig = WireResponses.cached(q, raw, upstream.toWire(), 0, -1, 40, 1232);
        Message tc = new Message(tooBig);
        assertTrue(tc.getHeader().getFlag(Flags.TC));
        assertEquals(0, tc.getSection(Section.ANSWER).size());
        assertArrayEquals(java.util.Arrays.copyOfRange(raw, 12, q.questionEnd()),
                java.util.Arrays.copyOfRange(tooBig, 12, q.questionEnd()));
    }
}
