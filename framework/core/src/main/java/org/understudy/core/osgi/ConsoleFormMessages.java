package org.understudy.core.osgi;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Shows in the Web Console's configuration form why a save was refused. The console answers a refused save
 * (see {@link ConsoleConfigurationHandler}) with an error status, and its own script then just leaves the
 * dialog as it was. This filter, on the console's configuration pages only, makes that answer the plain
 * reason and adds a few lines of script to the page that put it in the form's message line.
 */
final class ConsoleFormMessages implements Filter {

    /** Written into the configuration page: shows a refused save's reason in the open form. */
    static final String SCRIPT = "<script>(function(){if(!window.jQuery)return;jQuery(document).ajaxError(function(e,xhr,s){"
            + "if(!s||!s.url||s.url.indexOf('configMgr')<0||s.type!=='POST')return;"
            + "var p=jQuery('#editor').find('p').first();"
            + "p.removeClass('ui-helper-hidden').css({color:'#b00',fontWeight:'bold'}).text(xhr.responseText||('Not saved (HTTP '+xhr.status+')'));"
            + "});})();</script>";

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if ("POST".equals(request.getMethod())) {
            chain.doFilter(request, new HttpServletResponseWrapper(response) {
                @Override
                public void sendError(int status, String message) throws IOException {
                    // the reason as the body, for the script; the console's default is an HTML error page
                    setStatus(status);
                    setContentType("text/plain;charset=UTF-8");
                    getWriter().write(message == null ? "" : message);
                }
            });
            return;
        }
        Buffered buffered = new Buffered(response);
        chain.doFilter(request, buffered);
        byte[] body = buffered.bytes();
        String type = buffered.getContentType();
        if (type != null && type.startsWith("text/html")) {
            String html = new String(body, StandardCharsets.UTF_8);
            int end = html.lastIndexOf("</body>");
            if (end >= 0) {
                body = (html.substring(0, end) + SCRIPT + html.substring(end)).getBytes(StandardCharsets.UTF_8);
            }
        }
        if (!response.isCommitted()) {
            response.setContentLength(body.length);
        }
        response.getOutputStream().write(body);
    }

    /** Keeps a page's body to add the script before it is sent. */
    private static final class Buffered extends HttpServletResponseWrapper {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private PrintWriter writer;
        private final ServletOutputStream stream = new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException("blocking only");
            }

            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bytes.write(b, off, len);
            }
        };

        Buffered(HttpServletResponse response) {
            super(response);
        }

        @Override
        public ServletOutputStream getOutputStream() {
            return stream;
        }

        @Override
        public PrintWriter getWriter() {
            if (writer == null) {
                writer = new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8));
            }
            return writer;
        }

        @Override
        public void setContentLength(int len) {
            // computed again once the script is in
        }

        @Override
        public void setContentLengthLong(long len) {
            // computed again once the script is in
        }

        @Override
        public void flushBuffer() {
            if (writer != null) {
                writer.flush();
            }
        }

        byte[] bytes() {
            if (writer != null) {
                writer.flush();
            }
            return bytes.toByteArray();
        }
    }
}
