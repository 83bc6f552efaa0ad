package org.understudy.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every configuration the runtime accepted, kept as numbered files (Kura style): one snapshot holds the accepted
 * dictionary of every pid at that moment, written whenever one of them changed. The newest {@code keep} are kept.
 * A snapshot is also the file format for download and restore:
 * {@code {"format":"understudy-config-snapshot/1","time":"...","configurations":{"<pid>":{"key":value,...}}}}.
 * Values are what the dictionaries held: strings, numbers, booleans, lists of strings. Secrets are kept (a restore
 * needs them); the files are readable by the gateway's user only, and only the admin login serves them.
 * Not thread-safe: the runtime calls it from its lifecycle thread.
 */
final class ConfigSnapshots {

    static final String FORMAT = "understudy-config-snapshot/1";
    /**
     * A snapshot's id: its UTC time to the millisecond, and a counter for two in the same millisecond (or after the
     * clock was set back); ids sort as the snapshots were taken.
     */
    private static final Pattern ID = Pattern.compile("\\d{8}T\\d{9}Z(-\\d{1,3})?");
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    /** Largest snapshot accepted for a restore: configurations are small; anything bigger is not one. */
    static final int MAX_BYTES = 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One snapshot: when it was taken and every pid's accepted configuration then. */
    record Snapshot(String id, Instant time, Map<String, Map<String, Object>> configurations) {
        Snapshot {
            configurations = Map.copyOf(configurations);
        }
    }

    /** What the list shows of a snapshot. */
    record Summary(String id, Instant time, List<String> pids, long bytes) {}

    private final Path directory;
    private final Clock clock;

    ConfigSnapshots(Path directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    /**
     * Writes a snapshot of {@code configurations} unless the newest one holds the same; keeps the newest {@code keep}.
     *
     * @return the snapshot written, or empty when nothing changed since the last one or {@code keep} is 0
     */
    Optional<Snapshot> take(Map<String, Map<String, Object>> configurations, int keep) throws IOException {
        if (keep <= 0) {
            return Optional.empty();
        }
        Map<String, Map<String, Object>> current = normalized(configurations);
        List<String> ids = ids();
        String newest = ids.isEmpty() ? null : ids.get(0);
        if (newest != null) {
            try {
                if (read(newest).map(s -> s.configurations().equals(current)).orElse(false)) {
                    return Optional.empty();
                }
            } catch (IllegalArgumentException unreadable) {
                // a damaged newest file: a fresh snapshot is what is needed
            }
        }
        Instant now = clock.instant();
        String id = ID_TIME.format(now);
        if (newest != null && id.compareTo(newest.substring(0, 19)) <= 0) {
            // a second one in the same millisecond, or a clock set back (a Pi without a real-time clock after a power
            // cut): named after the newest so that it sorts after it, never pruned as the oldest; its time stays true
            id = newest.substring(0, 19) + "-" + (counter(newest) + 1);
        }
        Snapshot snapshot = new Snapshot(id, now, current);
        AtomicFiles.write(file(id), encode(snapshot), true);
        prune(keep);
        return Optional.of(snapshot);
    }

    /** The snapshots on disk, newest first. */
    List<Summary> list() throws IOException {
        List<Summary> out = new ArrayList<>();
        for (String id : ids()) {
            Path f = file(id);
            try {
                Snapshot s = decode(Files.readAllBytes(f), id);
                out.add(new Summary(id, s.time(), List.copyOf(new TreeMap<>(s.configurations()).keySet()), Files.size(f)));
            } catch (IllegalArgumentException | IOException damaged) {
                out.add(new Summary(id, null, List.of(), Files.exists(f) ? Files.size(f) : 0));
            }
        }
        return out;
    }

    /** The ids of the snapshots on disk, newest first: from their names, nothing is read. */
    private List<String> ids() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".json") && ID.matcher(name.substring(0, name.length() - 5)).matches())
                    .map(name -> name.substring(0, name.length() - 5))
                    .sorted(Comparator.comparing((String id) -> id, ConfigSnapshots::byAge).reversed())
                    .toList();
        }
    }

    /** The snapshot named {@code id}; empty when there is none (or the id is not one a snapshot can have). */
    Optional<Snapshot> read(String id) throws IOException {
        Optional<byte[]> bytes = bytes(id);
        return bytes.isEmpty() ? Optional.empty() : Optional.of(decode(bytes.get(), id));
    }

    /** The file of snapshot {@code id}, as stored (for download). */
    Optional<byte[]> bytes(String id) throws IOException {
        if (id == null || !ID.matcher(id).matches() || !Files.isRegularFile(file(id))) {
            return Optional.empty();
        }
        return Optional.of(Files.readAllBytes(file(id)));
    }

    /** A snapshot of {@code configurations} as of now, not written: the current configuration as one file. */
    byte[] encodeCurrent(Map<String, Map<String, Object>> configurations) {
        Instant now = clock.instant();
        return encode(new Snapshot(ID_TIME.format(now), now, normalized(configurations)));
    }

    /**
     * Parses a snapshot file (an upload to restore, or one on disk).
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static Snapshot decode(byte[] bytes, String id) {
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("a configuration snapshot is at most " + MAX_BYTES + " bytes; this one has " + bytes.length);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("not a configuration snapshot: not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("not a configuration snapshot: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a configuration snapshot: expected a JSON object");
        }
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException("not a configuration snapshot: \"format\" must be \"" + FORMAT + "\", got "
                    + (root.has("format") ? root.get("format").toString() : "none"));
        }
        Instant time;
        try {
            time = Instant.parse(root.path("time").asText());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("\"time\" must be an ISO-8601 instant, got " + root.path("time"));
        }
        JsonNode all = root.path("configurations");
        if (!all.isObject()) {
            throw new IllegalArgumentException("\"configurations\" must be an object of pid to configuration");
        }
        Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> pids = all.fields(); pids.hasNext();) {
            Map.Entry<String, JsonNode> pid = pids.next();
            if (!pid.getKey().startsWith("understudy.")) {
                throw new IllegalArgumentException("pid " + pid.getKey() + " is not an Understudy configuration (understudy.*)");
            }
            if (!pid.getValue().isObject()) {
                throw new IllegalArgumentException("the configuration of " + pid.getKey() + " must be an object of key to value");
            }
            Map<String, Object> values = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> keys = pid.getValue().fields(); keys.hasNext();) {
                Map.Entry<String, JsonNode> key = keys.next();
                values.put(key.getKey(), value(pid.getKey(), key.getKey(), key.getValue()));
            }
            configurations.put(pid.getKey(), values);
        }
        return new Snapshot(id == null ? ID_TIME.format(time) : id, time, configurations);
    }

    private static Object value(String pid, String key, JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToInt() ? (Object) node.asInt() : (Object) node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isValueNode() || item.isNull()) {
                    throw new IllegalArgumentException(pid + " " + key + ": a list holds plain values only");
                }
                items.add(item.asText());
            }
            return List.copyOf(items);
        }
        throw new IllegalArgumentException(pid + " " + key + ": a value is a string, number, boolean or list, got " + node.getNodeType());
    }

    private static byte[] encode(Snapshot s) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("time", s.time().toString());
        root.put("configurations", new TreeMap<>(s.configurations()));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a configuration snapshot", e);
        }
    }

    /**
     * The dictionaries as a snapshot holds them: sorted, without ConfigAdmin's own keys, arrays and collections as
     * lists of strings, anything else that is not a plain value as its text; so that equal configurations compare equal.
     */
    static Map<String, Map<String, Object>> normalized(Map<String, Map<String, Object>> configurations) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        configurations.forEach((pid, values) -> {
            Map<String, Object> clean = new TreeMap<>();
            values.forEach((k, v) -> {
                if (v == null || k.startsWith("service.") || k.startsWith("felix.") || k.startsWith("component.")) {
                    return;
                }
                clean.put(k, plain(v));
            });
            out.put(pid, clean);
        });
        return out;
    }

    private static Object plain(Object v) {
        if (v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Double) {
            return v;
        }
        if (v instanceof Number n) {
            return n instanceof Float ? (Object) n.doubleValue() : (Object) n.longValue();
        }
        if (v instanceof java.util.Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        if (v.getClass().isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < java.lang.reflect.Array.getLength(v); i++) {
                items.add(String.valueOf(java.lang.reflect.Array.get(v, i)));
            }
            return List.copyOf(items);
        }
        return v.toString();
    }

    /** A snapshot's configuration as ConfigAdmin takes it: lists as string arrays. */
    static Map<String, Object> forConfigAdmin(Map<String, Object> values) {
        Map<String, Object> out = new java.util.HashMap<>();
        values.forEach((k, v) -> out.put(k, v instanceof List<?> l ? l.stream().map(String::valueOf).toArray(String[]::new) : v));
        return out;
    }

    private Path file(String id) {
        return directory.resolve(id + ".json");
    }

    /** Older ids first: by time, then by counter (an id without one is the first of its millisecond). */
    private static int byAge(String a, String b) {
        int time = a.substring(0, 19).compareTo(b.substring(0, 19));
        if (time != 0) {
            return time;
        }
        return Integer.compare(counter(a), counter(b));
    }

    private static int counter(String id) {
        return id.length() > 19 ? Integer.parseInt(id.substring(20)) : 0;
    }

    private void prune(int keep) throws IOException {
        List<String> all = ids();
        for (String old : all.subList(Math.min(keep, all.size()), all.size())) {
            Files.deleteIfExists(file(old));
        }
    }
}
