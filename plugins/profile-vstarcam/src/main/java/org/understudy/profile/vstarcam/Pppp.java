package org.understudy.profile.vstarcam;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The PPPP ("CS2 P2P") control messages a LAN session needs (PROTOCOLS.md 5.4, 5.5): a 4-byte header {@code f1 |
 * type | length u16 BE} (the length counts the bytes after the header), then the body. {@link #parse} checks the
 * magic, the length against the datagram and the type against the ones known here, and each type's body size, so
 * that a garbage datagram is a {@link PacketException} with a reason, never a wrong message.
 */
final class Pppp {

    static final int MAGIC = 0xf1;
    static final int HEADER = 4;
    /** The largest datagram a session accepts; a DRW carries at most ~1 KB, the rest is never sent on a LAN session. */
    static final int MAX_DATAGRAM = 1500;
    /** The DRW marker byte (VStarCam; some other firmware sends {@code d2}, accepted when read). */
    static final int DRW_MARKER = 0xd1;

    /** The message types of a LAN session. */
    enum Type {
        LAN_SEARCH(0x30, 0, 0),
        PUNCH_PKT(0x41, DeviceId.WIRE_LENGTH, DeviceId.WIRE_LENGTH),
        P2P_RDY(0x42, DeviceId.WIRE_LENGTH, DeviceId.WIRE_LENGTH),
        DRW(0xd0, 4, MAX_DATAGRAM - HEADER),
        DRW_ACK(0xd1, 6, 4 + 2 * 64),
        ALIVE(0xe0, 0, 0),
        ALIVE_ACK(0xe1, 0, 0),
        CLOSE(0xf0, 0, 0);

        final int code;
        final int minBody;
        final int maxBody;

        Type(int code, int minBody, int maxBody) {
            this.code = code;
            this.minBody = minBody;
            this.maxBody = maxBody;
        }

        static Type of(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    /** One message: its type and its body (the bytes after the header). */
    record Message(Type type, byte[] body) {}

    /** A DRW: data on a channel (0 command, 1 video, 2 audio, 3 talk) with the channel's packet index. */
    record Drw(int channel, int index, byte[] payload) {}

    /** A DRWAck: the indices of a channel's DRW packets received. */
    record DrwAck(int channel, List<Integer> indices) {}

    private static final byte[] LAN_SEARCH = {(byte) MAGIC, 0x30, 0, 0};
    private static final byte[] ALIVE = {(byte) MAGIC, (byte) 0xe0, 0, 0};
    private static final byte[] ALIVE_ACK = {(byte) MAGIC, (byte) 0xe1, 0, 0};
    private static final byte[] CLOSE = {(byte) MAGIC, (byte) 0xf0, 0, 0};

    private Pppp() {}

    /** The message in one datagram. */
    static Message parse(byte[] datagram) throws PacketException {
        if (datagram.length < HEADER) {
            throw new PacketException("a PPPP message has a 4-byte header, got " + datagram.length + " byte(s)");
        }
        if (datagram.length > MAX_DATAGRAM) {
            throw new PacketException("a PPPP datagram of " + datagram.length + " bytes is larger than " + MAX_DATAGRAM);
        }
        if ((datagram[0] & 0xff) != MAGIC) {
            throw new PacketException("not PPPP: starts with " + hex(datagram, 0, Math.min(4, datagram.length)) + ", not f1");
        }
        int code = datagram[1] & 0xff;
        Type type = Type.of(code);
        if (type == null) {
            throw new PacketException(String.format("PPPP message type f1 %02x is not one a LAN session uses", code));
        }
        int length = ((datagram[2] & 0xff) << 8) | (datagram[3] & 0xff);
        if (length != datagram.length - HEADER) {
            throw new PacketException("PPPP " + type + " says " + length + " body bytes, the datagram has " + (datagram.length - HEADER));
        }
        if (length < type.minBody || length > type.maxBody) {
            throw new PacketException("PPPP " + type + " body of " + length + " bytes; expected "
                    + (type.minBody == type.maxBody ? String.valueOf(type.minBody) : type.minBody + " to " + type.maxBody));
        }
        byte[] body = new byte[length];
        System.arraycopy(datagram, HEADER, body, 0, length);
        return new Message(type, body);
    }

    /** The DID a PunchPkt or P2PRdy carries. */
    static DeviceId deviceId(Message m) throws PacketException {
        if (m.type() != Type.PUNCH_PKT && m.type() != Type.P2P_RDY) {
            throw new PacketException(m.type() + " carries no DID");
        }
        return DeviceId.read(m.body(), 0);
    }

    static Drw drw(Message m) throws PacketException {
        byte[] b = m.body();
        if (m.type() != Type.DRW) {
            throw new PacketException(m.type() + " is not a DRW");
        }
        marker(b[0], "DRW");
        int channel = b[1] & 0xff;
        if (channel > 7) {
            throw new PacketException("DRW channel " + channel + " (0-7 exist)");
        }
        int index = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        byte[] payload = new byte[b.length - 4];
        System.arraycopy(b, 4, payload, 0, payload.length);
        return new Drw(channel, index, payload);
    }

    static DrwAck drwAck(Message m) throws PacketException {
        byte[] b = m.body();
        if (m.type() != Type.DRW_ACK) {
            throw new PacketException(m.type() + " is not a DRWAck");
        }
        marker(b[0], "DRWAck");
        int count = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        if (count < 1 || b.length != 4 + 2 * count) {
            throw new PacketException("DRWAck says " + count + " indices in " + (b.length - 4) + " bytes");
        }
        List<Integer> indices = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            indices.add(((b[4 + 2 * i] & 0xff) << 8) | (b[5 + 2 * i] & 0xff));
        }
        return new DrwAck(b[1] & 0xff, List.copyOf(indices));
    }

    private static void marker(byte b, String what) throws PacketException {
        int m = b & 0xff;
        if (m != 0xd1 && m != 0xd2) {
            throw new PacketException(String.format("%s marker %02x, not d1", what, m));
        }
    }

    static byte[] lanSearch() {
        return LAN_SEARCH.clone();
    }

    static byte[] alive() {
        return ALIVE.clone();
    }

    static byte[] aliveAck() {
        return ALIVE_ACK.clone();
    }

    static byte[] close() {
        return CLOSE.clone();
    }

    static byte[] punchPkt(DeviceId id) {
        return message(Type.PUNCH_PKT, id.toWire());
    }

    static byte[] p2pRdy(DeviceId id) {
        return message(Type.P2P_RDY, id.toWire());
    }

    static byte[] drw(int channel, int index, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + payload.length);
        b.put((byte) DRW_MARKER).put((byte) channel).putShort((short) index).put(payload);
        return message(Type.DRW, b.array());
    }

    static byte[] drwAck(int channel, List<Integer> indices) {
        if (indices.isEmpty() || indices.size() > 64) {
            throw new IllegalArgumentException("a DRWAck holds 1 to 64 indices, got " + indices.size());
        }
        ByteBuffer b = ByteBuffer.allocate(4 + 2 * indices.size());
        b.put((byte) DRW_MARKER).put((byte) channel).putShort((short) indices.size());
        indices.forEach(i -> b.putShort(i.shortValue()));
        return message(Type.DRW_ACK, b.array());
    }

    static byte[] message(Type type, byte[] body) {
        byte[] out = new byte[HEADER + body.length];
        out[0] = (byte) MAGIC;
        out[1] = (byte) type.code;
        out[2] = (byte) (body.length >>> 8);
        out[3] = (byte) body.length;
        System.arraycopy(body, 0, out, HEADER, body.length);
        return out;
    }

    static String hex(byte[] bytes, int offset, int length) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes, offset, offset + length);
    }
}
