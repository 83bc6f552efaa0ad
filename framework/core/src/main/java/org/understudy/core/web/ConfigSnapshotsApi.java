package org.understudy.core.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.understudy.core.PluginRuntime;

/**
 * {@code /api/config}: the configuration snapshots the runtime keeps, downloaded and restored.
 * <ul>
 * <li>{@code GET /api/config/snapshots}: the list, newest first;</li>
 * <li>{@code GET /api/config/snapshots/{id}}: one as a file; {@code GET /api/config/current}: the configuration now;</li>
 * <li>{@code POST /api/config/snapshots/{id}/restore}, or {@code POST /api/config/restore} with a snapshot file as the
 * body: validated whole first; 400 with every reason and nothing changed when any part cannot be applied.</li>
 * </ul>
 * A restore takes a JSON body only and refuses a browser's request from another site, as device actions do.
 */
final class ConfigSnapshotsApi {

    /** Bytes a snapshot sent to restore may have, as ConfigSnapshots reads at most. */
    static final int MAX_BODY = 1024 * 1024;

    private final PluginRuntime runtime;
    private final Sender sender;

    /** How the API servlet writes a JSON answer. */
    interface Sender {
        void send(HttpServletResponse response, int status, Object body) throws IOException;
    }

    ConfigSnapshotsApi(PluginRuntime runtime, Sender sender) {
        this.runtime = runtime;
        this.sender = sender;
    }

    /** Answers {@code parts} (the path below /api, split at '/', starting with "config"); GET, HEAD and POST. */
    void serve(HttpServletRequest request, HttpServletResponse response, String[] parts) throws IOException {
        boolean post = request.getMethod().equals("POST");
        boolean get = request.getMethod().equals("GET") || request.getMethod().equals("HEAD");
        if (parts.length == 2 && parts[1].equals("snapshots") && get) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("keep", runtime.settings().configSnapshots());
            out.put("snapshots", runtime.configSnapshots());
            sender.send(response, 200, out);
        } else if (parts.length == 3 && parts[1].equals("snapshots") && get) {
            Optional<byte[]> file = runtime.configSnapshot(parts[2]);
            if (file.isEmpty()) {
                sender.send(response, 404, Map.of("error", "no configuration snapshot " + parts[2]));
            } else {
                download(response, "understudy-config-" + parts[2] + ".json", file.get());
            }
        } else if (parts.length == 2 && parts[1].equals("current") && get) {
            download(response, "understudy-config-current.json", runtime.currentConfiguration());
        } else if (parts.length == 4 && parts[1].equals("snapshots") && parts[3].equals("restore") && post) {
            if (sameSiteJson(request, response)) {
                Optional<byte[]> file = runtime.configSnapshot(parts[2]);
                if (file.isEmpty()) {
                    sender.send(response, 404, Map.of("error", "no configuration snapshot " + parts[2]));
                } else {
                    restore(response, file.get());
                }
            }
        } else if (parts.length == 2 && parts[1].equals("restore") && post) {
            if (sameSiteJson(request, response)) {
                byte[] body;
                try (InputStream in = request.getInputStream()) {
                    body = in.readNBytes(MAX_BODY + 1);
                }
                if (body.length > MAX_BODY) {
                    sender.send(response, 413, Map.of("error", "a configuration snapshot is at most " + MAX_BODY + " bytes"));
                } else {
                    restore(response, body);
                }
            }
        } else if (post || get) {
            sender.send(response, 404, Map.of("error", "no such resource: /api/" + String.join("/", parts)));
        } else {
            response.setHeader("Allow", "GET, HEAD, POST");
            sender.send(response, 405, Map.of("error", "use GET, HEAD or POST"));
        }
    }

    private void restore(HttpServletResponse response, byte[] file) throws IOException {
        try {
            List<String> restored = runtime.restoreConfiguration(file);
            sender.send(response, 200, Map.of("restored", restored));
        } catch (IllegalArgumentException refused) {
            sender.send(response, 400, Map.of("error", String.valueOf(refused.getMessage())));
        }
    }

    private static void download(HttpServletResponse response, String name, byte[] file) throws IOException {
        response.setStatus(200);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
        response.setContentLength(file.length);
        response.getOutputStream().write(file);
    }

    /** A JSON body from this site only (or from no browser at all); answers the refusal itself. */
    private boolean sameSiteJson(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ApiServlet.Refusal refusal = ApiServlet.crossSiteRefusal(request);
        if (refusal != null) {
            sender.send(response, refusal.status(), Map.of("error", refusal.message()));
            return false;
        }
        return true;
    }
}
