package org.understudy.core.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.understudy.api.ActionException;
import org.understudy.api.ActionService;
import org.understudy.api.model.ActionDescriptor;
import org.understudy.api.model.Blob;
import org.understudy.core.PluginRuntime;

/**
 * The REST API under {@code /api}: HTTP Basic with the admin user (throttled); JSON out. Reads go through the
 * runtime's read side ({@link ReadingsApi}); {@code POST /api/devices/{id}/actions/{name}} runs a device action
 * with a JSON body and refuses what a browser would send for a cross-site form; {@code /api/config} is
 * {@link ConfigSnapshotsApi}.
 */
public final class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String REALM = "Basic realm=\"Understudy\", charset=\"UTF-8\"";
    /** Largest action request body. */
    static final int MAX_ACTION_BODY = 64 * 1024;

    private final transient PluginRuntime runtime;
    private final transient AdminGate gate;
    private final transient ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final transient ReadingsApi readings;
    private final transient ActionService actions;
    private final transient ConfigSnapshotsApi config;

    public ApiServlet(PluginRuntime runtime, AdminGate gate) {
        this.runtime = runtime;
        this.gate = gate;
        this.readings = new ReadingsApi(runtime.queries(), () -> runtime.settings().apiMaxPoints());
        this.actions = runtime.actions();
        this.config = new ConfigSnapshotsApi(runtime, this::send);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AdminGate.Verdict verdict = gate.check(request);
        if (!verdict.allowed()) {
            AdminGate.refuse(verdict, response);
            send(response, verdict.status(), Map.of("error", verdict.message()));
            return;
        }
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        String[] parts = path.substring(1).split("/", -1);
        try {
            if (parts[0].equals("config")) {
                config.serve(request, response, parts);
                return;
            }
            if (parts.length == 4 && parts[0].equals("devices") && parts[2].equals("actions")) {
                if (!request.getMethod().equals("POST")) {
                    notAllowed(response, "POST");
                } else {
                    action(request, response, parts[1], parts[3], verdict.user());
                }
                return;
            }
            if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
                notAllowed(response, "GET, HEAD");
                return;
            }
            if (parts.length == 2 && parts[0].equals("pictures")) {
                picture(request, response, parts[1]);
                return;
            }
            ReadingsApi.Answer answer = switch (path) {
                case "/status" -> new ReadingsApi.Answer(200, runtime.status());
                case "/devices" -> readings.devices(d -> actions(actions.actionsOf(d.id())));
                case "/readings" -> readings.readings(parameters(request), wantsCsv(request));
                case "/pictures" -> readings.pictures(parameters(request));
                case "/flows" -> readings.flows(parameters(request));
                default -> ReadingsApi.Answer.error(404, "no such resource: /api" + path);
            };
            if (answer.contentType() != null) {
                response.setStatus(answer.status());
                response.setContentType(answer.contentType());
                response.setHeader("Cache-Control", "no-store");
                response.getOutputStream().write(String.valueOf(answer.body()).getBytes(StandardCharsets.UTF_8));
            } else {
                send(response, answer.status(), answer.body());
            }
        } catch (IllegalStateException e) {
            send(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    private static boolean wantsCsv(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return "csv".equals(request.getParameter("format")) || accept != null && accept.contains("text/csv");
    }

    /** A stored picture: its bytes with its content type; content-addressed, so cached for good. */
    private void picture(HttpServletRequest request, HttpServletResponse response, String sha) throws IOException {
        if (!sha.matches("[0-9a-f]{64}")) {
            send(response, 400, Map.of("error", "a picture is named by its SHA-256 (64 lowercase hex digits)"));
            return;
        }
        Blob blob = runtime.queries().picture(sha).orElse(null);
        byte[] content = blob == null ? null : runtime.queries().pictureContent(sha).orElse(null);
        if (content == null) {
            send(response, 404, Map.of("error", "no picture " + sha + " is kept"));
            return;
        }
        String etag = '"' + sha + '"';
        response.setHeader("ETag", etag);
        response.setHeader("Cache-Control", "private, max-age=31536000, immutable");
        if (etag.equals(request.getHeader("If-None-Match"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setStatus(200);
        response.setContentType(blob.contentType());
        response.setContentLength(content.length);
        if (!request.getMethod().equals("HEAD")) {
            response.getOutputStream().write(content);
        }
    }

    /**
     * Runs an action. Only a JSON body is taken (a cross-site HTML form cannot send one without a preflight), and a
     * browser's request from another site is refused outright (its Origin or Sec-Fetch-Site says so).
     */
    private void action(HttpServletRequest request, HttpServletResponse response, String device, String name, String user)
            throws IOException {
        Refusal refusal = crossSiteRefusal(request);
        if (refusal != null) {
            send(response, refusal.status(), Map.of("error", refusal.message()));
            return;
        }
        Map<String, Object> parameters;
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(MAX_ACTION_BODY + 1);
            if (body.length > MAX_ACTION_BODY) {
                send(response, 413, Map.of("error", "an action's parameters take at most " + MAX_ACTION_BODY + " bytes"));
                return;
            }
            Object parsed = body.length == 0 ? Map.of() : json.readValue(body, Object.class);
            if (!(parsed instanceof Map<?, ?> map)) {
                send(response, 400, Map.of("error", "the body must be a JSON object of parameters"));
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) map;
            parameters = p;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            send(response, 400, Map.of("error", "the body is not JSON: " + e.getOriginalMessage()));
            return;
        }
        String who = user + "@" + request.getRemoteAddr();
        try {
            Map<String, Object> answer = actions.run(device, name, parameters, who).get();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("device", device);
            out.put("action", name);
            out.put("result", answer);
            send(response, 200, out);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ActionException a) {
                int status = switch (a.kind()) {
                    case UNKNOWN_DEVICE, UNKNOWN_ACTION -> 404;
                    case BAD_PARAMETERS -> 400;
                    case UNREACHABLE -> 504;
                    case FAILED -> 502;
                };
                send(response, status, Map.of("error", String.valueOf(a.getMessage()), "kind", a.kind().name()));
            } else {
                send(response, 500, Map.of("error", org.understudy.api.Errors.describe(e)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(response, 503, Map.of("error", "interrupted"));
        }
    }

    /** Why a request that changes something is refused: the status to answer and the reason. */
    record Refusal(int status, String message) {}

    /**
     * Why a request that changes something is refused, or {@code null}: it must carry a JSON body (a cross-site HTML
     * form cannot send one without a preflight) and must not come from another site (its Origin or Sec-Fetch-Site).
     */
    static Refusal crossSiteRefusal(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            return new Refusal(415, "send a JSON body (Content-Type: application/json)");
        }
        String site = request.getHeader("Sec-Fetch-Site");
        String origin = request.getHeader("Origin");
        String self = request.getScheme() + "://" + request.getHeader("Host");
        if (site != null && !site.equals("same-origin") && !site.equals("none") || origin != null && !origin.equals(self)) {
            return new Refusal(403, "changes are not taken from other sites");
        }
        return null;
    }

    /** Action descriptors as JSON: name, description, parameters. */
    static List<Object> actions(List<ActionDescriptor> descriptors) {
        return descriptors.stream().map(d -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", d.name());
            m.put("description", d.description());
            m.put("parameters", d.parameters().stream().map(p -> {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("name", p.name());
                pm.put("type", p.type().name().toLowerCase(java.util.Locale.ROOT));
                pm.put("required", p.required());
                pm.put("description", p.description());
                if (!p.options().isEmpty()) {
                    pm.put("options", p.options());
                }
                return (Object) pm;
            }).toList());
            return (Object) m;
        }).toList();
    }

    private void notAllowed(HttpServletResponse response, String allow) throws IOException {
        response.setHeader("Allow", allow);
        send(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, Map.of("error", "use " + allow));
    }

    private static Map<String, String> parameters(HttpServletRequest request) {
        Map<String, String> out = new java.util.HashMap<>();
        request.getParameterMap().forEach((k, v) -> {
            if (v.length > 0) {
                out.put(k, v[0]);
            }
        });
        return out;
    }

    private void send(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        json.writeValue(response.getOutputStream(), body);
    }
}
