package org.understudy.dns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.understudy.api.web.WebHandler;
import org.understudy.api.web.WebRequest;
import org.understudy.api.web.WebResponse;

/**
 * {@code /dns/queries?client=&name=&limit=} (and {@code /dns/}, which the Web Console's tab links to): the query log, newest first, filtered on the server over every query
 * it keeps ({@code queryLogSize}), like Pi-hole's: {@code client} is a part of the client's address, {@code name} a
 * part of the name asked (case-insensitive).
 */
final class QueryLogPage implements WebHandler {

    static final String PATH = "dns";
    /** Most queries one answer holds. */
    static final int MAX_LIMIT = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final QueryLog log;
    private final int kept;

    QueryLogPage(QueryLog log, int kept) {
        this.log = log;
        this.kept = kept;
    }

    @Override
    public WebResponse handle(WebRequest request) throws JsonProcessingException {
        if (!request.path().equals("/queries") && !request.path().equals("/")) { // the mount itself: the newest queries
            return json(404, Map.of("error", "no such resource: /" + PATH + request.path()));
        }
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return new WebResponse(405, "application/json", Map.of("Allow", "GET"), JSON.writeValueAsBytes(Map.of("error", "use GET")));
        }
        int limit = 200;
        String asked = request.parameter("limit");
        if (asked != null) {
            try {
                limit = Integer.parseInt(asked.trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                return json(400, Map.of("error", "limit must be a number from 1 to " + MAX_LIMIT + ", got '" + asked + "'"));
            }
        }
        String client = lower(request.parameter("client"));
        String name = lower(request.parameter("name"));
        List<Map<String, Object>> queries = new ArrayList<>();
        int matched = 0;
        for (QueryLog.Entry e : log.recent(kept)) {
            if (!e.client().getHostAddress().contains(client) || !e.name().toLowerCase(Locale.ROOT).contains(name)) {
                continue;
            }
            matched++;
            if (queries.size() < limit) {
                queries.add(e.describe());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kept", kept);
        out.put("matched", matched);
        out.put("queries", queries);
        return json(200, out);
    }

    private static String lower(String s) {
        return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    }

    private static WebResponse json(int status, Object body) throws JsonProcessingException {
        return new WebResponse(status, "application/json", Map.of("Cache-Control", "no-store"), JSON.writeValueAsBytes(body));
    }
}
