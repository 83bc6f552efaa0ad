package org.understudy.core.osgi;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;

/**
 * Makes the Web Console show why a configuration form was not saved. The console answers a save refused by
 * {@link ConsoleConfigurationHandler} with an error page; this filter, on the configuration manager only,
 * turns it into the plain reason, which the console's own error dialog then shows over the open form.
 */
final class ConsoleFormMessages implements Filter {

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        if (!"POST".equals(request.getMethod())) {
            chain.doFilter(req, res);
            return;
        }
        chain.doFilter(request, new HttpServletResponseWrapper((HttpServletResponse) res) {
            @Override
            public void sendError(int status, String message) throws IOException {
                setStatus(status);
                setContentType("text/plain;charset=UTF-8");
                getWriter().write(message == null ? "" : message);
            }
        });
    }
}
