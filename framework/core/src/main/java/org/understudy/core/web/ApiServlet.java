package org.understudy.core.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.understudy.core.PluginRuntime;

/** The REST API under {@code /api}: HTTP Basic with the admin user; JSON out. */
public final class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String REALM = "Basic realm=\"Understudy\", charset=\"UTF-8\"";

    private final transient PluginRuntime runtime;
    private final transient AdminGate gate;
    private final transient ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final transient ReadingsApi readings;

    public ApiServlet(PluginRuntime runtime, AdminGate gate) {
        this.runtime = runtime;
        this.gate = gate;
        this.readings = new ReadingsApi(runtime);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AdminGate.Verdict verdict = gate.check(request);
        if (!verdict.allowed()) {
            AdminGate.refuse(verdict, response);
            send(response, verdict.status(), Map.of("error", verdict.status() == 429
                    ? "too many failed logins from this address; retry in " + verdict.retryAfterSeconds() + " s"
                    : "authentication required"));
            return;
        }
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        if (!path.equals("/status") && !path.equals("/devices") && !path.equals("/readings")) {
            send(response, HttpServletResponse.SC_NOT_FOUND, Map.of("error", "no such resource: /api" + path));
            return;
        }
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.setHeader("Allow", "GET, HEAD");
            send(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, Map.of("error", "use GET"));
            return;
        }
        try {
            ReadingsApi.Answer answer = switch (path) {
                case "/devices" -> readings.devices();
                case "/readings" -> readings.readings(parameters(request));
                default -> new ReadingsApi.Answer(HttpServletResponse.SC_OK, runtime.status());
            };
            send(response, answer.status(), answer.body());
        } catch (IllegalStateException e) {
            send(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, Map.of("error", String.valueOf(e.getMessage())));
        }
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
