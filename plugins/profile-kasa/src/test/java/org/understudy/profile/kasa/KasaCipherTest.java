package org.understudy.profile.kasa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The vectors of PROTOCOLS.md 4.1. */
class KasaCipherTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void sysinfoRequestFramedAsOnTcp() {
        assertEquals("0000001d" + "d0f281f88bff9af7d5ef94b6d1b4c09fec95e68fe187e8caf08bf68bf6",
                HEX.formatHex(KasaCipher.frame("{\"system\":{\"get_sysinfo\":{}}}")));
    }

    @Test
    void relayRequestFramedAsOnTcp() {
        assertEquals("0000002a" + "d0f281f88bff9af7d5ef94b6c5a0d48bf99cf091e8b7c4b0d1a5c0e2d8a381f286e793f6d4eedfa2dfa2",
                HEX.formatHex(KasaCipher.frame("{\"system\":{\"set_relay_state\":{\"state\":1}}}")));
    }

    @Test
    void decryptUndoesEncrypt() {
        byte[] plain = "{\"emeter\":{\"get_realtime\":null}} é".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(plain, KasaCipher.decrypt(KasaCipher.encrypt(plain)));
        assertArrayEquals(new byte[0], KasaCipher.decrypt(new byte[0]));
    }
}
