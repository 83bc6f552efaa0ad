package org.understudy.api.model;

import java.util.Locale;

/**
 * A hostname a profile claims: an exact name ({@code bskybackend.bloomsky.com}) or a wildcard
 * ({@code *.tplinkcloud.com}, matching any name strictly below the suffix, never the suffix itself).
 * Matching is case-insensitive and ignores one trailing dot; it is never a prefix or regex match.
 *
 * @param pattern the normalised pattern: lowercase, without trailing dot
 */
public record HostPattern(String pattern) {

    public HostPattern {
        if (pattern == null) {
            throw new IllegalArgumentException("host pattern must not be null");
        }
        pattern = normalise(pattern);
        String name = pattern.startsWith("*.") ? pattern.substring(2) : pattern;
        if (name.isEmpty() || name.contains("*") || name.startsWith(".") || name.contains("..")
                || !name.matches("[a-z0-9._-]+")) {
            throw new IllegalArgumentException("not a hostname or *.suffix wildcard: '" + pattern + "'");
        }
    }

    public static HostPattern of(String pattern) {
        return new HostPattern(pattern);
    }

    /** Whether this is a {@code *.suffix} wildcard. */
    public boolean wildcard() {
        return pattern.startsWith("*.");
    }

    /** Whether {@code hostname} (any case, with or without trailing dot) matches. */
    public boolean matches(String hostname) {
        if (hostname == null) {
            return false;
        }
        String host = normalise(hostname);
        if (!wildcard()) {
            return host.equals(pattern);
        }
        String suffix = pattern.substring(1); // ".example.com"
        return host.length() > suffix.length() && host.endsWith(suffix);
    }

    /** Lowercases and strips one trailing dot. */
    public static String normalise(String hostname) {
        String host = hostname.trim().toLowerCase(Locale.ROOT);
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }
}
