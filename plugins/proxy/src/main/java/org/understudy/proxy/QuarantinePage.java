package org.understudy.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.understudy.api.web.WebHandler;
import org.understudy.api.web.WebRequest;
import org.understudy.api.web.WebResponse;

/**
 * {@code /quarantine/}: the quarantine as JSON for the dashboard ({@code GET}), emptied by {@code DELETE} once a
 * person has looked (from the gateway's own pages only).
 */
final class QuarantinePage implements WebHandler {

    static final String PATH = "quarantine";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Quarantine quarantine;

    QuarantinePage(Quarantine quarantine) {
        this.quarantine = quarantine;
    }

    @Override
    public WebResponse handle(WebRequest request) {
        if (!request.path().equals("/")) {
            return json(404, Map.of("error", "no such resource: /" + PATH + request.path()));
        }
        if (request.method().equals("DELETE")) {
            if ("cross-site".equals(request.headers().get("sec-fetch-site"))) {
                return json(403, Map.of("error", "the quarantine is emptied from the gateway's own pages only"));
            }
            quarantine.clear();
            return json(200, Map.of("cleared", true));
        }
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return new WebResponse(405, "application/json", Map.of("Allow", "GET, DELETE"), bytes(Map.of("error", "use GET or DELETE")));
        }
        List<Map<String, Object>> entries = quarantine.entries().stream().map(Quarantine.Entry::describe).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("entries", entries);
        out.put("maxEntries", quarantine.maxEntries());
        out.put("notKept", quarantine.overflow());
        return json(200, out);
    }

    private static WebResponse json(int status, Object body) {
        return new WebResponse(status, "application/json", Map.of("Cache-Control", "no-store"), bytes(body));
    }

    private static byte[] bytes(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
