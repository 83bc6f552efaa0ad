package org.understudy.profile.vstarcam;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * VStarCam's own LAN discovery ("DH"): a 4-byte request {@code 44 48 01 01} sent to UDP 8600, answered by every
 * camera with a fixed-layout record ({@code 44 48 01 08}, 524 bytes, PROTOCOLS.md 5.3) that gives its network
 * settings, HTTP port and UID. A reply is read by its header and the fields the gateway uses (which end at byte
 * 0x7c), so a longer record from other firmware is accepted; a shorter one, or one without the header, is refused.
 * The DDNS password the record carries in clear is never read.
 *
 * @param uid the UID as the camera writes it (e.g. {@code VSTC123456ABCDE})
 */
record Dbr(String ip, String netmask, String gateway, String dns1, String dns2, byte[] mac, int httpPort, String uid, String name) {

    /** The discovery request. */
    static final byte[] REQUEST = {0x44, 0x48, 0x01, 0x01};
    /** The size of the record VStarCam's cameras send. */
    static final int SIZE = 524;
    /** The shortest reply that holds every field read here (up to the end of the camera's name). */
    static final int MIN_SIZE = 0xcc;
    /** Longer replies are not a camera's. */
    static final int MAX_SIZE = 1024;
    private static final byte[] REPLY_MAGIC = {0x44, 0x48, 0x01, 0x08};

    Dbr {
        mac = mac.clone();
        if (mac.length != 6) {
            throw new IllegalArgumentException("a MAC is 6 bytes");
        }
    }

    /** Whether a datagram is a DH discovery request (another controller, or the gateway's own broadcast heard back). */
    static boolean isRequest(byte[] datagram) {
        return datagram.length == REQUEST.length && Arrays.equals(datagram, REQUEST);
    }

    static Dbr parse(byte[] d) throws PacketException {
        if (d.length < 4 || !Arrays.equals(d, 0, 4, REPLY_MAGIC, 0, 4)) {
            throw new PacketException("not a DH discovery reply: starts with "
                    + HexFormat.ofDelimiter(" ").formatHex(d, 0, Math.min(4, d.length)) + ", not 44 48 01 08");
        }
        if (d.length < MIN_SIZE || d.length > MAX_SIZE) {
            throw new PacketException("a DH discovery reply of " + d.length + " bytes (a camera sends " + SIZE + ")");
        }
        String ip = DeviceId.ascii(d, 0x04, 16);
        if (!ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new PacketException("the DH reply's camera address '" + ip + "' is not an IPv4 address");
        }
        byte[] mac = Arrays.copyOfRange(d, 0x54, 0x5a);
        int port = ByteBuffer.wrap(d, 0x5a, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        String uid = DeviceId.ascii(d, 0x5c, 32);
        if (uid.isEmpty()) {
            throw new PacketException("the DH reply carries no UID");
        }
        return new Dbr(ip, DeviceId.ascii(d, 0x14, 16), DeviceId.ascii(d, 0x24, 16), DeviceId.ascii(d, 0x34, 16),
                DeviceId.ascii(d, 0x44, 16), mac, port == 0 ? 80 : port, uid, DeviceId.ascii(d, 0x7c, 80));
    }

    /** The 524-byte record a camera sends (the fake cameras' side; also the codec's round trip). */
    byte[] toWire() {
        byte[] d = new byte[SIZE];
        System.arraycopy(REPLY_MAGIC, 0, d, 0, 4);
        put(d, 0x04, 16, ip);
        put(d, 0x14, 16, netmask);
        put(d, 0x24, 16, gateway);
        put(d, 0x34, 16, dns1);
        put(d, 0x44, 16, dns2);
        System.arraycopy(mac, 0, d, 0x54, 6);
        ByteBuffer.wrap(d, 0x5a, 2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) httpPort);
        put(d, 0x5c, 32, uid);
        put(d, 0x7c, 80, name);
        d[0x12d] = 1;
        d[0x204] = 2;
        ByteBuffer.wrap(d, 0x206, 2).putShort((short) 6801);
        Arrays.fill(d, 0x208, 0x20c, (byte) 0xff);
        return d;
    }

    /** The MAC as {@code aa:bb:cc:dd:ee:ff}. */
    String macText() {
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }

    private static void put(byte[] d, int offset, int length, String text) {
        byte[] b = (text == null ? "" : text).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, d, offset, Math.min(b.length, length - 1));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dbr other && ip.equals(other.ip) && netmask.equals(other.netmask) && gateway.equals(other.gateway)
                && dns1.equals(other.dns1) && dns2.equals(other.dns2) && Arrays.equals(mac, other.mac) && httpPort == other.httpPort
                && uid.equals(other.uid) && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(ip, uid, httpPort, Arrays.hashCode(mac));
    }

    @Override
    public byte[] mac() {
        return mac.clone();
    }
}
