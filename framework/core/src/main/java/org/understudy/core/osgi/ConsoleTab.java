package org.understudy.core.osgi;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import org.understudy.core.PluginRuntime;
import org.understudy.core.WebMounts;

/**
 * The Web Console's "Understudy" tab: whether the gateway serves, and links to what plugins contribute to the
 * admin web (a dashboard, say) and to the REST API. The console draws its frame around it and guards it.
 */
final class ConsoleTab extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String LABEL = "understudy";

    private final transient PluginRuntime runtime;

    ConsoleTab(PluginRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/html; charset=utf-8");
        Map<String, Object> status = runtime.status();
        PrintWriter out = response.getWriter();
        out.println("<div style='padding:1em;font-size:110%'>");
        boolean ready = Boolean.TRUE.equals(status.get("ready"));
        out.println("<p><b>" + (ready ? "Serving devices." : "Not serving yet: " + escape(String.valueOf(status.get("notReady"))))
                + "</b> Version " + escape(String.valueOf(status.get("version"))) + ", up " + status.get("uptimeSeconds") + " s.</p>");
        out.println("<h3>Contributed by plugins</h3><ul>");
        var mounts = runtime.webMounts().all();
        if (mounts.isEmpty()) {
            out.println("<li>nothing yet</li>");
        }
        for (WebMounts.Mount m : mounts) {
            out.println("<li><a href='/" + m.path() + "/'>" + escape(m.title()) + "</a> (plugin " + escape(m.pluginId()) + ")</li>");
        }
        out.println("</ul><h3>REST API</h3><ul>");
        for (String api : new String[] {"status", "devices", "flows"}) {
            out.println("<li><a href='/api/" + api + "'>/api/" + api + "</a></li>");
        }
        out.println("<li><a href='/metrics'>/metrics</a> (Prometheus)</li>");
        out.println("</ul></div>");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace("\"", "&quot;");
    }
}
