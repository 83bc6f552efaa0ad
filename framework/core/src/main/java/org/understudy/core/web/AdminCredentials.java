package org.understudy.core.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin user of the Web Console and the REST API. The password comes, in this order, from the
 * environment variable {@code UNDERSTUDY_ADMIN_PASSWORD}, from the configured value (plain or a
 * {@link PasswordHash}), or from {@code <data>/admin-password.hash}; when none exists the first start
 * generates one, stores only its hash there and logs the password once. There is no default password.
 */
public final class AdminCredentials {

    private static final Logger LOG = LoggerFactory.getLogger(AdminCredentials.class);
    /** Lines for the console only, never a log file (the launcher routes this logger so). */
    private static final Logger CONSOLE = LoggerFactory.getLogger("understudy.console");
    public static final String ENV_PASSWORD = "UNDERSTUDY_ADMIN_PASSWORD";
    static final String HASH_FILE = "admin-password.hash";
    private static final int MAX_CACHED = 32;

    private final String user;
    /** A {@link PasswordHash}, or null when the password was given in plain text (env or configuration). */
    private final String hash;
    /** SHA-256 of a password given in plain text: no need to pay PBKDF2 at start for it. */
    private final byte[] plainDigest;
    /** SHA-256 of Authorization headers already verified, so PBKDF2 runs once per credential. */
    private final Set<String> verified = ConcurrentHashMap.newKeySet();

    private AdminCredentials(String user, String hash, byte[] plainDigest) {
        this.user = user;
        this.hash = hash;
        this.plainDigest = plainDigest;
    }

    private static AdminCredentials hashed(String user, String hash) {
        return new AdminCredentials(user, hash, null);
    }

    private static AdminCredentials plain(String user, String password) {
        return new AdminCredentials(user, null, sha256(password));
    }

    public static AdminCredentials load(String user, String configured, String fromEnv, Path dataDirectory) {
        if (fromEnv != null && !fromEnv.isEmpty()) {
            LOG.info("admin password taken from {}", ENV_PASSWORD);
            return plain(user, fromEnv);
        }
        if (configured != null && !configured.isBlank()) {
            LOG.info("admin password taken from the configuration");
            return PasswordHash.isHash(configured.trim()) ? hashed(user, configured.trim()) : plain(user, configured);
        }
        SecureRandom random = new SecureRandom();
        Path file = dataDirectory.resolve(HASH_FILE);
        try {
            if (Files.isRegularFile(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (PasswordHash.isHash(stored)) {
                    return hashed(user, stored);
                }
                LOG.error("{} does not hold a password hash; generating a new password", file);
            }
            byte[] secret = new byte[15];
            random.nextBytes(secret);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            String hash = PasswordHash.hash(password, random);
            org.understudy.core.AtomicFiles.write(file, (hash + "\n").getBytes(StandardCharsets.UTF_8), true);
            CONSOLE.warn("Generated admin password for user '{}': {}  (shown only this once, on the console; only its hash is"
                    + " kept in {}. Set {} or understudy.admin.password to choose your own.)", user, password, file, ENV_PASSWORD);
            LOG.warn("Generated an admin password for user '{}': printed once on the console (a service's journal), never"
                    + " in a log file; only its hash is kept in {}", user, file);
            return hashed(user, hash);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or store the admin password hash in " + file, e);
        }
    }

    public String user() {
        return user;
    }

    /**
     * Checks an HTTP {@code Authorization} header (Basic scheme).
     *
     * @return the user name when the credentials are right, else {@code null}
     */
    public String authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String key = digest(authorization);
        if (verified.contains(key)) {
            return user;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || !decoded.substring(0, colon).equals(user) || !matches(decoded.substring(colon + 1))) {
            return null;
        }
        if (verified.size() >= MAX_CACHED) {
            verified.clear();
        }
        verified.add(key);
        return user;
    }

    private boolean matches(String password) {
        return hash != null ? PasswordHash.verify(password, hash) : MessageDigest.isEqual(plainDigest, sha256(password));
    }

    /** SHA-256 of a text, as bytes (compared in constant time; the metrics token is kept so too). */
    static byte[] sha256(String text) {
        return org.understudy.api.Hashes.sha256(text.getBytes(StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);
    }

    private static String digest(String text) {
        return org.understudy.api.Hashes.sha256(text.getBytes(StandardCharsets.UTF_8));
    }
}
