package org.understudy.profile.bloomsky;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the real backend answered last (a 2xx only): its header set, minus framing and Date, and its
 * sunrise and sunset. Kept in the profile's data directory so that it survives restarts; until anything
 * is learned, the reply captured in PROTOCOLS.md 1.2 is the template. Thread-safe.
 *
 * @param headers the backend's headers in order, without Content-Length, Transfer-Encoding and Date
 * @param sunrise learned SunriseTime (epoch seconds)
 * @param sunset learned SunsetTime (epoch seconds)
 */
record LearnedReply(List<Map.Entry<String, String>> headers, long sunrise, long sunset) {

    private static final Logger LOG = LoggerFactory.getLogger(LearnedReply.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> NOT_LEARNED = Set.of("content-length", "transfer-encoding", "date");

    /** The backend's reply as captured on 2016-12-05 (PROTOCOLS.md 1.2). */
    static final LearnedReply BUILT_IN = new LearnedReply(List.of(
            Map.entry("Allow", "POST, OPTIONS"),
            Map.entry("Content-Type", "application/json;charset=utf-8"),
            Map.entry("Server", "Apache/2.4.23 (Amazon) mod_wsgi/3.5 Python/2.7.10"),
            Map.entry("Vary", "Accept"),
            Map.entry("X-Frame-Options", "SAMEORIGIN"),
            Map.entry("Connection", "Close")), 1480900578L, 1480938629L);

    static LearnedReply from(List<Map.Entry<String, String>> replyHeaders, JsonNode body, LearnedReply previous) {
        List<Map.Entry<String, String>> kept = new ArrayList<>();
        for (Map.Entry<String, String> h : replyHeaders) {
            if (!NOT_LEARNED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                kept.add(new AbstractMap.SimpleImmutableEntry<>(h.getKey(), h.getValue()));
            }
        }
        long sunrise = body != null && body.path("SunriseTime").canConvertToLong() ? body.get("SunriseTime").asLong() : previous.sunrise;
        long sunset = body != null && body.path("SunsetTime").canConvertToLong() ? body.get("SunsetTime").asLong() : previous.sunset;
        return new LearnedReply(kept.isEmpty() ? previous.headers : List.copyOf(kept), sunrise, sunset);
    }

    static LearnedReply load(Path file) {
        if (!Files.isRegularFile(file)) {
            return BUILT_IN;
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (JsonNode h : n.path("headers")) {
                headers.add(new AbstractMap.SimpleImmutableEntry<>(h.get(0).asText(), h.get(1).asText()));
            }
            return new LearnedReply(List.copyOf(headers), n.path("sunrise").asLong(BUILT_IN.sunrise),
                    n.path("sunset").asLong(BUILT_IN.sunset));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the learned Bloomsky reply {} ({}); using the built-in one", file, e.getMessage());
            return BUILT_IN;
        }
    }

    void save(Path file) {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode hs = n.putArray("headers");
        headers.forEach(h -> hs.addArray().add(h.getKey()).add(h.getValue()));
        n.put("sunrise", sunrise);
        n.put("sunset", sunset);
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, n.toPrettyString());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot keep the learned Bloomsky reply in {}: {}", file, e.getMessage());
        }
    }
}
