package org.understudy.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.model.Flow;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;
import org.understudy.core.testing.TestPorts;

/**
 * Backend replies far larger than {@code maxBodyBytes} (a firmware download through the app's API path)
 * are relayed as they arrive, with their own framing; one cut short is never passed on as complete.
 */
class StreamingIT {

    static final String HOST = ProxyIT.HOST;
    static final int LARGE = 20 * 1024 * 1024;
    static final int CHUNKED = 3 * 1024 * 1024;
    static final int MEDIUM = 1536 * 1024;

    @TempDir
    Path dir;
    private LoopbackDnsmasq dnsmasq;
    private ServerSocket backend;
    private PluginRuntime runtime;
    private int port;

    static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + (i >> 10));
        }
        return b;
    }

    @BeforeEach
    void start() throws Exception {
        dnsmasq = LoopbackDnsmasq.start(dir, Map.of(HOST, "127.0.0.2"));
        backend = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.2"));
        Thread t = new Thread(this::serve, "firmware-backend");
        t.setDaemon(true);
        t.start();
        port = TestPorts.freeTcpPort();
        runtime = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
        runtime.configure("understudy.runtime", Map.of("readingStore", "store-sqlite"));
        runtime.configure("understudy.proxy", Map.of("port", String.valueOf(port), "resolvers", "127.0.0.1:" + dnsmasq.port(),
                "backendPort", String.valueOf(backend.getLocalPort()), "tlsPort", "0", "maxBodyBytes", String.valueOf(2 * 1024 * 1024),
                "maxBufferedBodyBytes", String.valueOf(2 * 1024 * 1024)));
        runtime.add(ClasspathPlugins.discover(StreamingIT.class.getClassLoader()));
    }

    @AfterEach
    void stop() throws Exception {
        runtime.close();
        backend.close();
        dnsmasq.close();
    }

    private void serve() {
        while (!backend.isClosed()) {
            try {
                Socket s = backend.accept();
                Thread c = new Thread(() -> answer(s), "firmware-connection");
                c.setDaemon(true);
                c.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Picture bytes the backend has received so far, while they arrive. */
    private final java.util.concurrent.atomic.AtomicLong uploadReceived = new java.util.concurrent.atomic.AtomicLong();

    private void answer(Socket s) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            while (true) {
                Map<String, String> headers = new LinkedHashMap<>();
                String path = readHead(in, headers);
                if (path == null) {
                    return;
                }
                path = path.split(" ")[1];
                if (path.startsWith("/devc/skydevice/94A1A2733B1A")) {
                    long length = Long.parseLong(headers.get("content-length"));
                    byte[] buf = new byte[8192];
                    for (long got = 0; got < length;) {
                        int n = in.read(buf, 0, (int) Math.min(buf.length, length - got));
                        if (n < 0) {
                            return;
                        }
                        got += n;
                        uploadReceived.set(got);
                    }
                    byte[] reply = "{\"ResponseValue\":200,\"Message\":0}".getBytes(StandardCharsets.ISO_8859_1);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + reply.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.write(reply);
                } else if (path.equals("/api/firmware")) {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + LARGE + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.write(pattern(LARGE));
                } else if (path.equals("/api/medium")) {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nContent-Length: " + MEDIUM + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.write(pattern(MEDIUM));
                } else if (path.equals("/api/chunked")) {
                    out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    byte[] all = pattern(CHUNKED);
                    for (int off = 0; off < all.length; off += 65536) {
                        int n = Math.min(65536, all.length - off);
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.write(all, off, n);
                        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                } else { // /api/cut: promises more than it sends, then closes
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + LARGE + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(pattern(LARGE), 0, 3 * 1024 * 1024);
                    out.flush();
                    return;
                }
                out.flush();
            }
        } catch (IOException gone) {
            // the proxy closed the connection
        }
    }

    /** Reads a head; the first line, with the headers (lowercase names) put into {@code headers}; null at EOF. */
    static String readHead(InputStream in, Map<String, String> headers) throws IOException {
        String first = readLine(in);
        if (first == null) {
            return null;
        }
        for (String line; (line = readLine(in)) != null && !line.isEmpty();) {
            int colon = line.indexOf(':');
            if (headers != null) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return first;
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != -1;) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void get(OutputStream out, String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void repliesLargerThanTheBodyLimitAreRelayedWholeOnOneKeptConnection() throws Exception {
        try (Socket device = new Socket("127.0.0.1", port)) {
            device.setSoTimeout(20_000);
            InputStream in = new BufferedInputStream(device.getInputStream());
            get(device.getOutputStream(), "/api/firmware");
            var firmware = StrictStation.read(in);
            assertEquals(200, firmware.status());
            assertEquals(String.valueOf(LARGE), firmware.headers().get("content-length"), "the backend's framing");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            assertArrayEquals(sha.digest(pattern(LARGE)), sha.digest(firmware.body()), "20 MB through a 2 MB body limit");

            get(device.getOutputStream(), "/api/chunked");
            var chunked = StrictStation.read(in);
            assertEquals(200, chunked.status(), "the same connection serves the next request");
            assertEquals("chunked", chunked.headers().get("transfer-encoding"));
            assertArrayEquals(pattern(CHUNKED), chunked.body());

            get(device.getOutputStream(), "/api/medium");
            var medium = StrictStation.read(in);
            assertEquals(200, medium.status());
            assertArrayEquals(pattern(MEDIUM), medium.body());
        }
        Thread.sleep(600); // flows are written in batches
        var flows = runtime.flowLog().after(0, HOST, Flow.Outcome.FORWARDED, 10);
        assertEquals(LARGE, flows.stream().filter(f -> f.flow().target().equals("/api/firmware")).findFirst().orElseThrow()
                .flow().responseBody().size(), "beyond maxBodyBytes: recorded with its length");
        Flow.Body kept = flows.stream().filter(f -> f.flow().target().equals("/api/medium")).findFirst().orElseThrow()
                .flow().responseBody();
        assertArrayEquals(pattern(MEDIUM), runtime.queries().pictureContent(kept.blobSha256()).orElseThrow(),
                "streamed but within maxBodyBytes: kept as a blob");
    }

    @Test
    void aLargeUploadReachesTheBackendWhileItArrivesAndIsStoredBeforeTheReply() throws Exception {
        int size = 1024 * 1024;
        byte[] picture = pattern(size);
        byte[] jpegStart = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0};
        System.arraycopy(jpegStart, 0, picture, 0, jpegStart.length);
        picture[size - 2] = (byte) 0xff;
        picture[size - 1] = (byte) 0xd9;
        String info = String.format(ProxyIT.INFO, System.currentTimeMillis() / 1000);
        try (Socket device = new Socket("127.0.0.1", port)) {
            device.setSoTimeout(20_000);
            OutputStream out = device.getOutputStream();
            out.write(("POST /devc/skydevice/94A1A2733B1A?Info=" + info + " HTTP/1.1\r\nHost: " + HOST
                    + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(picture, 0, size / 2);
            out.flush();
            await("the backend has the first half before the device sent the rest").atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(10)).until(() -> uploadReceived.get() >= size / 2);
            assertEquals(size / 2, uploadReceived.get(), "the backend has the first half before the device sent the rest");
            out.write(picture, size / 2, size - size / 2);
            out.flush();
            InputStream in = new BufferedInputStream(device.getInputStream());
            var reply = StrictStation.read(in);
            assertEquals(200, reply.status());
            assertEquals("{\"ResponseValue\":200,\"Message\":0}", reply.text().trim());
        }
        assertEquals(size, uploadReceived.get());
        String sha = java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(picture));
        assertArrayEquals(picture, runtime.queries().pictureContent(sha).orElseThrow(), "stored whole");
        assertEquals(1, runtime.store().orElseThrow().readAfter(0, 10).size(), "and its readings");
    }

    @Test
    void aReplyTheBackendCutsShortIsNeverPassedOnAsComplete() throws Exception {
        try (Socket device = new Socket("127.0.0.1", port)) {
            device.setSoTimeout(20_000);
            InputStream in = new BufferedInputStream(device.getInputStream());
            get(device.getOutputStream(), "/api/cut");
            Map<String, String> headers = new LinkedHashMap<>();
            assertEquals("HTTP/1.1 200 OK", readHead(in, headers));
            assertEquals(String.valueOf(LARGE), headers.get("content-length"));
            int got = in.readNBytes(LARGE).length; // returns early when the connection closes
            assertTrue(got < LARGE, "the device sees the connection close short of the announced length (" + got + " bytes)");
        }
    }
}
