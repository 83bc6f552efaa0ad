package org.understudy.api.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable lookup from hostnames to what claims them, for hot paths (every DNS query): exact names in a
 * hash map, {@code *.suffix} wildcards tried longest suffix first. Where a pattern is claimed twice, the first
 * claim wins ({@link #conflicts} lists the others). Thread-safe; build a new one to change it.
 *
 * @param <T> what a hostname maps to
 */
public final class HostIndex<T> {

    private static final HostIndex<?> EMPTY = new HostIndex<>(Map.of(), List.of(), List.of());

    private final Map<String, T> exact;
    private final List<Map.Entry<HostPattern, T>> wildcards;
    private final List<Map.Entry<HostPattern, T>> conflicts;

    private HostIndex(Map<String, T> exact, List<Map.Entry<HostPattern, T>> wildcards, List<Map.Entry<HostPattern, T>> conflicts) {
        this.exact = exact;
        this.wildcards = wildcards;
        this.conflicts = conflicts;
    }

    @SuppressWarnings("unchecked")
    public static <T> HostIndex<T> empty() {
        return (HostIndex<T>) EMPTY;
    }

    /** An index of {@code claims}, in order: for a pattern claimed twice the first claim is kept. */
    public static <T> HostIndex<T> of(List<Map.Entry<HostPattern, T>> claims) {
        Map<String, T> exact = new HashMap<>();
        Map<String, Map.Entry<HostPattern, T>> wild = new HashMap<>();
        List<Map.Entry<HostPattern, T>> conflicts = new ArrayList<>();
        for (Map.Entry<HostPattern, T> c : claims) {
            boolean taken = c.getKey().wildcard() ? wild.putIfAbsent(c.getKey().pattern(), c) != null
                    : exact.putIfAbsent(c.getKey().pattern(), c.getValue()) != null;
            if (taken) {
                conflicts.add(c);
            }
        }
        List<Map.Entry<HostPattern, T>> wildcards = new ArrayList<>(wild.values());
        wildcards.sort(Comparator.comparingInt((Map.Entry<HostPattern, T> e) -> e.getKey().pattern().length()).reversed());
        return new HostIndex<>(Map.copyOf(exact), List.copyOf(wildcards), List.copyOf(conflicts));
    }

    /** What claims {@code hostname} (any case, with or without its trailing dot). */
    public Optional<T> find(String hostname) {
        return hostname == null ? Optional.empty() : findNormalised(HostPattern.normalise(hostname));
    }

    /** As {@link #find}, for a name already lowercase and without trailing dot (the DNS hot path). */
    public Optional<T> findNormalised(String host) {
        T t = exact.get(host);
        if (t != null) {
            return Optional.of(t);
        }
        for (Map.Entry<HostPattern, T> w : wildcards) {
            if (w.getKey().matchesNormalised(host)) {
                return Optional.of(w.getValue());
            }
        }
        return Optional.empty();
    }

    /** Claims that lost to an earlier claim of the same pattern. */
    public List<Map.Entry<HostPattern, T>> conflicts() {
        return conflicts;
    }

    public boolean isEmpty() {
        return exact.isEmpty() && wildcards.isEmpty();
    }
}
