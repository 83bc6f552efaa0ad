package org.understudy.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.spi.HttpRequest;
import org.understudy.api.spi.Observation;

/**
 * What devices sent that no profile understands, each kept once with a count: requests to a host no profile claims,
 * requests to a profile's host that none of its routes takes, and fields a profile does not read. A firmware
 * update that changes the protocol shows up here the day it happens. Never the values a device sent (they may be
 * secrets): paths, field names and hosts only.
 *
 * <p>Noting is cheap and never blocks (event loops call it); the entries are written to a file on the proxy's
 * timer, so they survive a restart. Bounded: past {@code maxEntries} new kinds of surprise are only counted.
 * Thread-safe.
 */
final class Quarantine {

    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest host, path or field name kept (longer ones are cut): what a device sends must not fill the disk. */
    static final int MAX_TEXT = 200;
    /** Unknown fields considered per request; a request with more is noted with the first ones only. */
    static final int MAX_FIELDS_PER_REQUEST = 32;

    enum Kind { UNKNOWN_HOST, UNKNOWN_ROUTE, UNKNOWN_FIELD }

    /** What was not understood: the profile (empty for an unknown host), the host, and the path or field name. */
    record Key(Kind kind, String profile, String host, String subject) {}

    /** One kind of surprise: when it was first and last seen, how often, and one request that carried it. */
    static final class Entry {
        final Key key;
        final Instant firstSeen;
        final AtomicReference<Instant> lastSeen;
        final LongAdder count = new LongAdder();
        final String example;

        Entry(Key key, Instant firstSeen, Instant lastSeen, long count, String example) {
            this.key = key;
            this.firstSeen = firstSeen;
            this.lastSeen = new AtomicReference<>(lastSeen);
            this.count.add(count);
            this.example = example;
        }

        /** As the quarantine page shows it and its file keeps it. */
        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", key.kind().name().toLowerCase(Locale.ROOT));
            m.put("profile", key.profile());
            m.put("host", key.host());
            m.put("subject", key.subject());
            m.put("firstSeen", firstSeen.toString());
            m.put("lastSeen", lastSeen.get().toString());
            m.put("count", count.sum());
            m.put("example", example);
            return m;
        }
    }

    private final Path file;
    private final int maxEntries;
    private final Clock clock;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final AtomicLong overflow = new AtomicLong();

    Quarantine(Path file, int maxEntries, Clock clock) {
        this.file = file;
        this.maxEntries = maxEntries;
        this.clock = clock;
        load();
    }

    /** A request for a host no profile claims. */
    void unknownHost(String host, String method, String target) {
        String h = cut(host.toLowerCase(Locale.ROOT));
        note(new Key(Kind.UNKNOWN_HOST, "", h, h), method + " " + withoutValues(target));
    }

    /** What the profile plugin {@code profile} said it did not understand in {@code request}. */
    void observed(String profile, HttpRequest request, Observation o) {
        if (!o.unknownRoute() && o.unknownFields().isEmpty()) {
            return;
        }
        String host = cut(request.host().toLowerCase(Locale.ROOT));
        String example = request.method() + " " + withoutValues(request.target());
        // the family its devices belong to (one plugin, the declarative one, speaks for several), else the plugin's id
        String family = o.devices().isEmpty() ? profile : o.devices().get(0).profile();
        if (o.unknownRoute()) {
            note(new Key(Kind.UNKNOWN_ROUTE, family, host, cut(request.method() + " " + request.path())), example);
        }
        List<String> fields = o.unknownFields();
        for (int i = 0; i < Math.min(fields.size(), MAX_FIELDS_PER_REQUEST); i++) {
            note(new Key(Kind.UNKNOWN_FIELD, family, host, cut(fields.get(i))), example);
        }
    }

    private void note(Key key, String example) {
        Instant now = clock.instant();
        Entry e = entries.get(key);
        if (e == null) {
            if (entries.size() >= maxEntries) {
                overflow.incrementAndGet();
                return;
            }
            e = entries.computeIfAbsent(key, k -> {
                LOG.warn("quarantine: {} {} on {}{} (first seen; the dashboard's Traffic page lists it)",
                        k.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '), k.subject(), k.host(),
                        k.profile().isEmpty() ? "" : " (profile " + k.profile() + ")");
                return new Entry(k, now, now, 0, cut(example));
            });
        }
        e.count.increment();
        e.lastSeen.set(now);
        dirty.set(true);
    }

    /** Every entry, the most recently first seen first. */
    List<Entry> entries() {
        List<Entry> out = new ArrayList<>(entries.values());
        out.sort(Comparator.comparing((Entry e) -> e.firstSeen).reversed().thenComparing(e -> e.key.subject()));
        return out;
    }

    int maxEntries() {
        return maxEntries;
    }

    /** Surprises not kept because the quarantine was full. */
    long overflow() {
        return overflow.get();
    }

    int size() {
        return entries.size();
    }

    /** Forgets every entry (a person has looked at them); what comes again is noted as new. */
    void clear() {
        entries.clear();
        overflow.set(0);
        dirty.set(true);
    }

    /** Writes the entries when they changed (on the proxy's timer, a blocking thread). */
    void save() {
        if (!dirty.getAndSet(false)) {
            return;
        }
        List<Map<String, Object>> list = entries().stream().map(Entry::describe).toList();
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), list);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            dirty.set(true); // tried again at the next flush
            LOG.warn("quarantine not saved to {}: {}", file, e.getMessage());
        }
    }

    private void load() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            for (JsonNode n : JSON.readTree(file.toFile())) {
                Key key = new Key(Kind.valueOf(n.get("kind").asText().toUpperCase(Locale.ROOT)), n.get("profile").asText(), n.get("host").asText(),
                        n.get("subject").asText());
                if (entries.size() < maxEntries) {
                    entries.put(key, new Entry(key, Instant.parse(n.get("firstSeen").asText()),
                            Instant.parse(n.get("lastSeen").asText()), n.get("count").asLong(), n.get("example").asText()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // a damaged file costs what it held, never the proxy's start
            LOG.warn("quarantine file {} not read ({}); starting with an empty quarantine", file, e.toString());
            entries.clear();
        }
    }

    /** A target with its query's values left out: {@code /p?a=1&b=2} becomes {@code /p?a&b}. */
    static String withoutValues(String target) {
        int q = target.indexOf('?');
        if (q < 0) {
            return cut(target);
        }
        StringBuilder out = new StringBuilder(target.substring(0, q + 1));
        String[] pairs = target.substring(q + 1).split("&");
        for (int i = 0; i < pairs.length; i++) {
            int eq = pairs[i].indexOf('=');
            out.append(i == 0 ? "" : "&").append(eq < 0 ? pairs[i] : pairs[i].substring(0, eq));
        }
        return cut(out.toString());
    }

    private static String cut(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
    }
}
