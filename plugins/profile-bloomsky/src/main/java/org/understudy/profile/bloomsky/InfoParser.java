package org.understudy.profile.bloomsky;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the station metadata that travels in the request target, {@code ?Info={...}}: raw JSON (with its
 * braces, quotes, colons and commas unencoded), or percent-encoded, or the {@code "Key"="value"} form
 * some captures show. Never throws: anything unreadable is empty.
 */
final class InfoParser {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EQUALS_FORM = Pattern.compile("\"\\s*=\\s*");

    private InfoParser() {
    }

    /** The Info object of a raw query string, if there is a readable one of at most {@code maxLength} chars. */
    static Optional<JsonNode> parse(String rawQuery, int maxLength) {
        String text = infoParameter(rawQuery);
        if (text == null || text.length() > maxLength) {
            return Optional.empty();
        }
        if (text.indexOf('%') >= 0 || text.indexOf('+') >= 0 && !text.contains("{")) {
            try {
                text = URLDecoder.decode(text, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException badEscape) {
                return Optional.empty();
            }
        }
        Optional<JsonNode> node = read(text);
        if (node.isEmpty() && text.contains("=")) {
            node = read(EQUALS_FORM.matcher(text).replaceAll("\":"));
        }
        return node.filter(JsonNode::isObject);
    }

    /** The value of {@code Info=} in a query: up to the next {@code &} outside the JSON object. */
    private static String infoParameter(String rawQuery) {
        if (rawQuery == null) {
            return null;
        }
        int start = -1;
        for (String prefix : new String[] {"Info=", "info="}) {
            int i = rawQuery.indexOf(prefix);
            if (i == 0 || i > 0 && rawQuery.charAt(i - 1) == '&') {
                start = i + prefix.length();
                break;
            }
        }
        if (start < 0) {
            return null;
        }
        int depth = 0;
        boolean quoted = false;
        for (int i = start; i < rawQuery.length(); i++) {
            char c = rawQuery.charAt(i);
            if (c == '"' && (i == start || rawQuery.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && c == '{') {
                depth++;
            } else if (!quoted && c == '}') {
                depth--;
            } else if (!quoted && depth <= 0 && c == '&') {
                return rawQuery.substring(start, i);
            }
        }
        return rawQuery.substring(start);
    }

    private static Optional<JsonNode> read(String text) {
        try {
            return Optional.ofNullable(JSON.readTree(text));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
