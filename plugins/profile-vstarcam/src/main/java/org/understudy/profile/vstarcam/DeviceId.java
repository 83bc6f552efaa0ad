package org.understudy.profile.vstarcam;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A camera's PPPP device id (DID, "UID" on its label): a prefix of letters, a serial number and a check code, as in
 * {@code VSTC-123456-ABCDE}. On the wire (PunchPkt, P2PRdy) it is 20 bytes: the prefix as 8 ASCII bytes, NUL-padded;
 * the serial as u32 big-endian; the check code as 8 ASCII bytes, NUL-padded (PROTOCOLS.md 5.4).
 */
record DeviceId(String prefix, long serial, String check) {

    /** Bytes of a DID on the wire. */
    static final int WIRE_LENGTH = 20;
    private static final Pattern TEXT = Pattern.compile("([A-Za-z]{1,7})-?0*(\\d{1,10})-?([A-Za-z]{1,7})");

    DeviceId {
        if (prefix == null || !prefix.matches("[A-Z]{1,7}")) {
            throw new IllegalArgumentException("a DID prefix is 1 to 7 capital letters, got '" + prefix + "'");
        }
        if (serial < 0 || serial > 0xffffffffL) {
            throw new IllegalArgumentException("a DID serial is an unsigned 32-bit number, got " + serial);
        }
        if (check == null || !check.matches("[A-Z]{1,7}")) {
            throw new IllegalArgumentException("a DID check code is 1 to 7 capital letters, got '" + check + "'");
        }
    }

    /** The DID written as on a label: {@code VSTC-123456-ABCDE} or {@code VSTC123456ABCDE}, in any case. */
    static DeviceId parse(String text) {
        Matcher m = text == null ? null : TEXT.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("not a camera UID (letters, digits, letters): '" + text + "'");
        }
        return new DeviceId(m.group(1).toUpperCase(java.util.Locale.ROOT), Long.parseLong(m.group(2)),
                m.group(3).toUpperCase(java.util.Locale.ROOT));
    }

    /** The 20 wire bytes at {@code offset} of {@code bytes}. */
    static DeviceId read(byte[] bytes, int offset) throws PacketException {
        if (bytes.length - offset < WIRE_LENGTH) {
            throw new PacketException("a DID needs " + WIRE_LENGTH + " bytes, " + Math.max(0, bytes.length - offset) + " left");
        }
        String prefix = ascii(bytes, offset, 8);
        long serial = ByteBuffer.wrap(bytes, offset + 8, 4).getInt() & 0xffffffffL;
        String check = ascii(bytes, offset + 12, 8);
        try {
            return new DeviceId(prefix, serial, check);
        } catch (IllegalArgumentException e) {
            throw new PacketException("not a DID: " + e.getMessage());
        }
    }

    /** The 20 wire bytes. */
    byte[] toWire() {
        byte[] out = new byte[WIRE_LENGTH];
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(p, 0, out, 0, p.length);
        ByteBuffer.wrap(out, 8, 4).putInt((int) serial);
        byte[] c = check.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(c, 0, out, 12, c.length);
        return out;
    }

    /** {@code VSTC-123456-ABCDE}: the device id cameras are registered under. */
    @Override
    public String toString() {
        return prefix + "-" + serial + "-" + check;
    }

    /** ASCII up to the first NUL of a fixed-size field; printable characters only. */
    static String ascii(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        StringBuilder out = new StringBuilder(end - offset);
        for (int i = offset; i < end; i++) {
            int c = bytes[i] & 0xff;
            out.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return out.toString();
    }
}
