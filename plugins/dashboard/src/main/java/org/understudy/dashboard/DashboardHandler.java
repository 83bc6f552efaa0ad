package org.understudy.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import org.understudy.api.web.StaticAssets;
import org.understudy.api.web.WebHandler;
import org.understudy.api.web.WebRequest;
import org.understudy.api.web.WebResponse;

/**
 * Routes the dashboard's requests: {@code /data/summary} (JSON), everything else the pages and their assets from
 * the jar. Every answer forbids loading anything from another origin (Content-Security-Policy), so a page can never
 * wait on the Internet, and a test can tell if one tried.
 */
final class DashboardHandler implements WebHandler {

    /** Only this gateway: scripts, styles, images, data. Pictures may be shown as blobs when downloaded. */
    static final String POLICY = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Summary summary;
    private final StaticAssets assets = new StaticAssets(DashboardHandler.class, "org/understudy/dashboard/web");

    DashboardHandler(Summary summary) {
        this.summary = summary;
    }

    @Override
    public WebResponse handle(WebRequest request) throws Exception {
        WebResponse answer;
        if (request.path().equals("/data/summary")) {
            answer = summary(request);
        } else if (request.path().startsWith("/data/")) {
            answer = WebResponse.json(404, JSON.writeValueAsString(Map.of("error", "no such resource: /dashboard" + request.path())));
        } else {
            answer = assets.handle(request);
        }
        Map<String, String> headers = new HashMap<>(answer.headers());
        headers.put("Content-Security-Policy", POLICY);
        headers.putIfAbsent("X-Content-Type-Options", "nosniff");
        return new WebResponse(answer.status(), answer.contentType(), headers, answer.body());
    }

    private WebResponse summary(WebRequest request) throws Exception {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return new WebResponse(405, "text/plain", Map.of("Allow", "GET, HEAD"), "use GET".getBytes());
        }
        try {
            return new WebResponse(200, "application/json", Map.of("Cache-Control", "no-store"), JSON.writeValueAsBytes(summary.build()));
        } catch (IllegalStateException noStore) {
            return new WebResponse(503, "application/json", Map.of("Cache-Control", "no-store", "Retry-After", "5"),
                    JSON.writeValueAsBytes(Map.of("error", String.valueOf(noStore.getMessage()))));
        }
    }
}
