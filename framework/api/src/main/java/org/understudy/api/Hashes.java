package org.understudy.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The content hash Understudy names things by (pictures, configuration files): SHA-256 in lowercase hex. */
public final class Hashes {

    private Hashes() {
    }

    /** SHA-256 of {@code content}, 64 lowercase hex digits. */
    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
