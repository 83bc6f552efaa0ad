package org.understudy.profile.vstarcam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The codec against the byte sequences of PROTOCOLS.md 5 (the sources' tests and captures), and against garbage. */
class PpppTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void punchPacketsOfCamReverseTests() throws Exception {
        Pppp.Message m = Pppp.parse(hex("f1 41 00 14 42 41 54 44 00 00 00 00 00 02 62 ca 57 4f 4e 4a 4d 00 00 00"));
        assertEquals(Pppp.Type.PUNCH_PKT, m.type());
        assertEquals("BATD-156362-WONJM", Pppp.deviceId(m).toString());
        DeviceId xha = Pppp.deviceId(Pppp.parse(hex("f1 41 00 14 58 48 41 00 00 00 00 00 00 00 03 e2 4b 4d 4d 45 42 00 00 00")));
        assertEquals("XHA-994-KMMEB", xha.toString());
        // the controller's P2PRdy carries the same 20 bytes
        assertArrayEquals(hex("f1 42 00 14 58 48 41 00 00 00 00 00 00 00 03 e2 4b 4d 4d 45 42 00 00 00"), Pppp.p2pRdy(xha));
        assertEquals(Pppp.Type.P2P_RDY, Pppp.parse(Pppp.p2pRdy(xha)).type());
    }

    @Test
    void controlMessagesAreFourBytes() throws Exception {
        assertArrayEquals(hex("f1 30 00 00"), Pppp.lanSearch());
        assertArrayEquals(hex("f1 e0 00 00"), Pppp.alive());
        assertArrayEquals(hex("f1 e1 00 00"), Pppp.aliveAck());
        assertArrayEquals(hex("f1 f0 00 00"), Pppp.close());
        assertEquals(Pppp.Type.LAN_SEARCH, Pppp.parse(hex("f1 30 00 00")).type());
        assertEquals(Pppp.Type.ALIVE, Pppp.parse(hex("f1 e0 00 00")).type());
        assertEquals(Pppp.Type.ALIVE_ACK, Pppp.parse(hex("f1 e1 00 00")).type());
        assertEquals(Pppp.Type.CLOSE, Pppp.parse(hex("f1 f0 00 00")).type());
    }

    @Test
    void drwAcksOfTheBlog() throws Exception {
        // camera -> client, two indices; client -> camera, one
        Pppp.DrwAck two = Pppp.drwAck(Pppp.parse(hex("f1 d1 00 08 d1 00 00 02 00 00 00 00")));
        assertEquals(new Pppp.DrwAck(0, List.of(0, 0)), two);
        assertArrayEquals(hex("f1 d1 00 06 d1 00 00 01 00 07"), Pppp.drwAck(0, List.of(7)));
        Pppp.DrwAck batch = Pppp.drwAck(Pppp.parse(hex("f1 d1 00 18 d1 00 00 0a 00 0f 00 10 00 11 00 12 00 13 00 14 00 15 00 16 00 17 00 18")));
        assertEquals(List.of(15, 16, 17, 18, 19, 20, 21, 22, 23, 24), batch.indices());
    }

    @Test
    void drwOfCamReverseTests() throws Exception {
        // SendStartVideo with ticket 01020304 (iLnk flavour): the DRW around it
        byte[] wire = hex("f1d00010d1000000110a10300400000001020304");
        Pppp.Drw drw = Pppp.drw(Pppp.parse(wire));
        assertEquals(0, drw.channel());
        assertEquals(0, drw.index());
        assertArrayEquals(hex("110a10300400000001020304"), drw.payload());
        assertArrayEquals(wire, Pppp.drw(0, 0, hex("110a10300400000001020304")));
        // the VStarCam CGI flavour: 8-byte LE header, then the request
        byte[] cgi = "GET /get_status.cgi?".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Pppp.Drw back = Pppp.drw(Pppp.parse(Pppp.drw(0, 513, cgi)));
        assertEquals(513, back.index());
        assertArrayEquals(cgi, back.payload());
    }

    @Test
    void discoveryRecordRoundTripsAtTheDocumentedOffsets() throws Exception {
        Dbr dbr = new Dbr("192.168.1.20", "255.255.255.0", "192.168.1.1", "192.168.1.1", "8.8.8.8",
                new byte[] {0x48, 0x02, 0x2a, 0x11, 0x22, 0x33}, 81, "VSTC123456ABCDE", "Porch");
        byte[] wire = dbr.toWire();
        assertEquals(524, wire.length);
        assertArrayEquals(hex("44 48 01 08"), java.util.Arrays.copyOf(wire, 4));
        assertEquals("192.168.1.20", new String(wire, 0x04, 12, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(81, wire[0x5a] & 0xff); // HTTP port, little-endian
        assertEquals(0, wire[0x5b]);
        assertEquals('V', wire[0x5c]);
        assertEquals(0x1a, wire[0x206] & 0xff); // reply port 6801, big-endian
        assertEquals(0x91, wire[0x207] & 0xff);
        assertArrayEquals(hex("ff ff ff ff"), java.util.Arrays.copyOfRange(wire, 0x208, 0x20c));
        Dbr back = Dbr.parse(wire);
        assertEquals(dbr, back);
        assertEquals("48:02:2a:11:22:33", back.macText());
        assertEquals("VSTC-123456-ABCDE", DeviceId.parse(back.uid()).toString());
        assertTrue(Dbr.isRequest(hex("44 48 01 01")));
        // a longer record from other firmware is read by its fields
        assertEquals(dbr, Dbr.parse(java.util.Arrays.copyOf(wire, 570)));
    }

    @Test
    void deviceIdsAsOnLabels() {
        assertEquals("VSTC-123456-ABCDE", DeviceId.parse("vstc123456abcde").toString());
        assertEquals("VSTC-123456-ABCDE", DeviceId.parse("VSTC-123456-ABCDE").toString());
        assertThrows(IllegalArgumentException.class, () -> DeviceId.parse("12345"));
        assertThrows(IllegalArgumentException.class, () -> DeviceId.parse("VSTC-99999999999-ABC"));
    }

    @Test
    void shortOversizedUnknownAndInconsistentAreRefusedWithTheReason() {
        assertEquals("a PPPP message has a 4-byte header, got 3 byte(s)",
                assertThrows(PacketException.class, () -> Pppp.parse(hex("f1 e0 00"))).getMessage());
        assertTrue(assertThrows(PacketException.class, () -> Pppp.parse(new byte[1501])).getMessage().contains("larger than 1500"));
        assertTrue(assertThrows(PacketException.class, () -> Pppp.parse(hex("47 45 54 20"))).getMessage().startsWith("not PPPP"));
        assertEquals("PPPP message type f1 77 is not one a LAN session uses",
                assertThrows(PacketException.class, () -> Pppp.parse(hex("f1 77 00 00"))).getMessage());
        assertTrue(assertThrows(PacketException.class, () -> Pppp.parse(hex("f1 e0 00 04"))).getMessage()
                .contains("says 4 body bytes, the datagram has 0"));
        assertTrue(assertThrows(PacketException.class, () -> Pppp.parse(hex("f1 e0 00 01 00"))).getMessage()
                .contains("ALIVE body of 1 bytes; expected 0"));
        assertTrue(assertThrows(PacketException.class, () -> Pppp.parse(hex("f1 41 00 02 41 42"))).getMessage()
                .contains("PUNCH_PKT body of 2 bytes; expected 20"));
        assertThrows(PacketException.class, () -> Pppp.drwAck(Pppp.parse(hex("f1 d1 00 08 d1 00 00 05 00 00 00 00"))));
        assertThrows(PacketException.class, () -> Pppp.drw(Pppp.parse(hex("f1 d0 00 04 aa 00 00 00"))));
        // a PunchPkt whose DID is not letters, a number and letters
        assertThrows(PacketException.class, () -> Pppp.deviceId(Pppp.parse(hex("f1 41 00 14" + "00".repeat(20)))));
        assertTrue(assertThrows(PacketException.class, () -> Dbr.parse(hex("44 48 01 08 00"))).getMessage().contains("5 bytes"));
        assertTrue(assertThrows(PacketException.class, () -> Dbr.parse(new byte[524])).getMessage().startsWith("not a DH discovery reply"));
    }

    @Test
    void randomBytesNeverParseIntoAWrongMessageOrThrowAnythingElse() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[random.nextInt(40)];
            random.nextBytes(b);
            if (b.length > 0 && random.nextBoolean()) {
                b[0] = (byte) 0xf1;
            }
            try {
                Pppp.Message m = Pppp.parse(b);
                assertEquals(b.length - 4, m.body().length);
                switch (m.type()) {
                    case PUNCH_PKT, P2P_RDY -> Pppp.deviceId(m);
                    case DRW -> Pppp.drw(m);
                    case DRW_ACK -> Pppp.drwAck(m);
                    default -> assertEquals(0, m.body().length);
                }
            } catch (PacketException expected) {
                // refused with a reason
            }
            try {
                Dbr.parse(b);
            } catch (PacketException expected) {
                // refused with a reason
            }
        }
    }
}
