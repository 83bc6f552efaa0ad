package org.understudy.profile.kasa;

import java.nio.charset.StandardCharsets;

/**
 * The legacy Kasa ("IOT") protocol's obfuscation: autokey XOR starting from 171, each ciphertext byte the key
 * of the next (PROTOCOLS.md 4.1). On TCP a message is its plaintext length, 4 bytes big-endian, then the
 * ciphertext; on UDP the ciphertext alone. Pure functions.
 */
final class KasaCipher {

    static final int INITIAL_KEY = 171;

    private KasaCipher() {
    }

    static byte[] encrypt(byte[] plain) {
        byte[] out = new byte[plain.length];
        int key = INITIAL_KEY;
        for (int i = 0; i < plain.length; i++) {
            key = key ^ (plain[i] & 0xff);
            out[i] = (byte) key;
        }
        return out;
    }

    static byte[] decrypt(byte[] cipher) {
        return decrypt(cipher, 0, cipher.length);
    }

    static byte[] decrypt(byte[] cipher, int offset, int length) {
        byte[] out = new byte[length];
        int key = INITIAL_KEY;
        for (int i = 0; i < length; i++) {
            int c = cipher[offset + i] & 0xff;
            out[i] = (byte) (key ^ c);
            key = c;
        }
        return out;
    }

    /** A TCP message: the length prefix and the ciphertext, in one array (the plug wants them in one write). */
    static byte[] frame(String json) {
        byte[] plain = json.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[4 + plain.length];
        out[0] = (byte) (plain.length >>> 24);
        out[1] = (byte) (plain.length >>> 16);
        out[2] = (byte) (plain.length >>> 8);
        out[3] = (byte) plain.length;
        System.arraycopy(encrypt(plain), 0, out, 4, plain.length);
        return out;
    }
}
