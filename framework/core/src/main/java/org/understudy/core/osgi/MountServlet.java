package org.understudy.core.osgi;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.Errors;
import org.understudy.api.web.WebEndpoints;
import org.understudy.api.web.WebRequest;
import org.understudy.api.web.WebResponse;
import org.understudy.core.WebMounts;
import org.understudy.core.web.AdminGate;

/** Serves one plugin's web endpoint on the admin web server, behind the admin login. */
final class MountServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MountServlet.class);

    private final transient WebMounts.Mount mount;
    private final transient AdminGate gate;

    MountServlet(WebMounts.Mount mount, AdminGate gate) {
        this.mount = mount;
        this.gate = gate;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AdminGate.Verdict verdict = gate.check(request);
        if (!verdict.allowed()) {
            AdminGate.refuse(verdict, response);
            return;
        }
        String path = request.getPathInfo();
        if (path == null || path.isEmpty()) {
            response.setStatus(303);
            response.setHeader("Location", "/" + mount.path() + "/");
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(WebEndpoints.MAX_REQUEST_BODY + 1);
        }
        if (body.length > WebEndpoints.MAX_REQUEST_BODY) {
            response.sendError(413, "request body larger than " + WebEndpoints.MAX_REQUEST_BODY + " bytes");
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), request.getHeader(name));
        }
        WebRequest r = new WebRequest(request.getMethod(), path, query(request.getQueryString()), headers, body, verdict.user());
        WebResponse answer;
        try {
            answer = mount.handler().handle(r);
        } catch (Exception | LinkageError e) {
            LOG.warn("plugin {}: /{}{} failed", mount.pluginId(), mount.path(), path, e);
            answer = WebResponse.text(500, "plugin " + mount.pluginId() + " failed: " + Errors.describe(e));
        }
        response.setStatus(answer.status());
        if (answer.contentType() != null) {
            response.setContentType(answer.contentType());
        }
        answer.headers().forEach(response::setHeader);
        response.setContentLength(answer.body().length);
        if (!request.getMethod().equals("HEAD")) {
            response.getOutputStream().write(answer.body());
        }
    }

    /** The query string's parameters, decoded, values in order (the body is the handler's, not read as a form). */
    static Map<String, List<String>> query(String query) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return out;
    }
}
