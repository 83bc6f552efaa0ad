package org.understudy.api.model;

import java.util.Locale;

/**
 * A hostname a profile claims: an exact name ({@code bskybackend.bloomsky.com}), a wildcard
 * ({@code *.tplinkcloud.com}, matching any name strictly below the suffix, never the suffix itself), or (since
 * 0.3) a first-label wildcard ({@code *-devs.tplinkcloud.com}, matching one label ending in {@code -devs} with at
 * least one character before it, directly under {@code tplinkcloud.com}: {@code use1-devs.tplinkcloud.com}, not
 * {@code -devs.tplinkcloud.com} nor {@code a.b-devs.tplinkcloud.com}). Matching is case-insensitive and ignores
 * one trailing dot; it is never a prefix or regex match.
 *
 * @param pattern the normalised pattern: lowercase, without trailing dot
 */
public record HostPattern(String pattern) {

    public HostPattern {
        if (pattern == null) {
            throw new IllegalArgumentException("host pattern must not be null");
        }
        pattern = normalise(pattern);
        String name = pattern.startsWith("*.") ? pattern.substring(2) : pattern.startsWith("*") ? pattern.substring(1) : pattern;
        if (name.isEmpty() || name.contains("*") || name.startsWith(".") || name.contains("..") || name.endsWith(".")
                || !name.matches("[a-z0-9._-]+") || pattern.startsWith("*") && !pattern.startsWith("*.") && !name.contains(".")) {
            throw new IllegalArgumentException("not a hostname, *.suffix or *label-end.suffix wildcard: '" + pattern + "'");
        }
    }

    public static HostPattern of(String pattern) {
        return new HostPattern(pattern);
    }

    /** Whether this is a wildcard ({@code *.suffix} or {@code *label-end.suffix}). */
    public boolean wildcard() {
        return pattern.startsWith("*");
    }

    /** Whether {@code hostname} (any case, with or without trailing dot) matches. */
    public boolean matches(String hostname) {
        return hostname != null && matchesNormalised(normalise(hostname));
    }

    /**
     * {@link #matches} for a name already {@link #normalise normalised}: every DNS query and proxied request is
     * looked up through here, so it allocates nothing.
     */
    boolean matchesNormalised(String host) {
        if (!wildcard()) {
            return host.equals(pattern);
        }
        int suffixLength = pattern.length() - 1; // ".example.com", or "-devs.example.com"
        int start = host.length() - suffixLength;
        if (start <= 0 || !host.regionMatches(start, pattern, 1, suffixLength)) {
            return false;
        }
        // *.suffix: any depth below; *label-end.suffix: the rest of one label
        return pattern.charAt(1) == '.' || host.lastIndexOf('.', start - 1) < 0;
    }

    /** Lowercases and strips one trailing dot (and surrounding blanks). A name already so is returned as it is. */
    public static String normalise(String hostname) {
        int n = hostname.length();
        boolean plain = n > 0 && hostname.charAt(n - 1) != '.';
        for (int i = 0; plain && i < n; i++) {
            char c = hostname.charAt(i);
            plain = c > ' ' && c < 0x7f && (c < 'A' || c > 'Z');
        }
        if (plain) {
            return hostname;
        }
        String host = hostname.trim().toLowerCase(Locale.ROOT);
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }
}
