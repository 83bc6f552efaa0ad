package org.understudy.core.osgi;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.understudy.core.WebMounts;

/**
 * The admin web's root: {@code /} leads to the front page a plugin mounted ({@code WebEndpoints.mountHome}, a
 * dashboard), or to the Web Console without one. Any other path nobody serves is a plain 404. A redirect shows
 * nothing, so it needs no login; where it leads asks for one.
 */
final class RootRedirect extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient WebMounts mounts;

    RootRedirect(WebMounts mounts) {
        this.mounts = mounts;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getRequestURI().equals("/")) {
            response.sendError(404);
            return;
        }
        response.setStatus(303);
        response.setHeader("Location", mounts.home().map(m -> "/" + m.path() + "/").orElse("/system/console/"));
    }
}
