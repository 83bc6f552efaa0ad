package org.understudy.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Plays a Bloomsky station's HTTP side with a strict reader: CRLF line endings, a valid status line, and
 * exact framing (each chunk size equal to its data, the terminating chunk, or Content-Length exactly)
 * are required; anything else fails the test.
 */
public final class StrictStation {

    public record Response(int status, Map<String, String> headers, byte[] body, long millis) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private StrictStation() {
    }

    static Response post(int port, String host, String target, byte[] body) throws IOException {
        return post("127.0.0.1", port, host, target, body, 10_000);
    }

    /** One POST with {@code Connection: close}; {@code timeoutMillis} bounds every read. */
    public static Response post(String address, int port, String host, String target, byte[] body, int timeoutMillis)
            throws IOException {
        long t0 = System.nanoTime();
        try (Socket s = new Socket(address, port)) {
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            String head = "POST " + target + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return read(s.getInputStream(), t0);
        }
    }

    public static Response raw(int port, String request) throws IOException {
        long t0 = System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return read(s.getInputStream(), t0);
        }
    }

    /** Reads one reply from a connection the caller holds (kept alive, pipelined); strict as the others. */
    static Response read(InputStream in) throws IOException {
        return read(in, System.nanoTime());
    }

    private static Response read(InputStream in, long t0) throws IOException {
        String statusLine = line(in);
        if (!statusLine.matches("HTTP/1\\.1 \\d{3} .*")) {
            throw new AssertionError("bad status line: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            if (colon <= 0) {
                throw new AssertionError("bad header line: " + l);
            }
            headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            while (true) {
                int size = Integer.parseInt(line(in).trim(), 16);
                if (size == 0) {
                    if (!line(in).isEmpty()) {
                        throw new AssertionError("no CRLF after the last chunk");
                    }
                    break;
                }
                byte[] chunk = in.readNBytes(size);
                if (chunk.length != size) {
                    throw new AssertionError("chunk shorter than its size " + size);
                }
                body.write(chunk);
                if (!line(in).isEmpty()) {
                    throw new AssertionError("chunk longer than its size " + size);
                }
            }
        } else if (headers.containsKey("content-length")) {
            int length = Integer.parseInt(headers.get("content-length"));
            byte[] b = in.readNBytes(length);
            if (b.length != length) {
                throw new AssertionError("body shorter than Content-Length");
            }
            body.write(b);
        } else {
            throw new AssertionError("reply without framing: " + headers);
        }
        if (!headers.containsKey("date")) {
            throw new AssertionError("no Date header");
        }
        return new Response(Integer.parseInt(statusLine.substring(9, 12)), headers, body.toByteArray(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** One CRLF-terminated line; a bare LF is a protocol error. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                throw new AssertionError("bare LF line ending");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new AssertionError("CR without LF");
                }
                return out.toString(StandardCharsets.ISO_8859_1);
            }
            out.write(b);
        }
        throw new AssertionError("connection closed inside a line");
    }
}
