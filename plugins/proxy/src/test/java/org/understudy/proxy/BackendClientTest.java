package org.understudy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.core.testing.NioTransport;

/** Kept-alive backend connections: reused when the backend allows it, retried once when it went stale. */
class BackendClientTest {

    private final NioTransport netty = new NioTransport(1);

    @AfterEach
    void stop() {
        netty.close();
    }

    /**
     * A backend on a plain socket that answers each request of a connection with {@code reply}'s headers
     * and body "n" (the request's number on its connection); after {@code repliesPerConnection} answers,
     * the next request on that connection is read and left unanswered: the connection is closed.
     */
    private static ServerSocket backend(String connectionHeader, int repliesPerConnection, AtomicInteger accepted) throws Exception {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    accepted.incrementAndGet();
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    OutputStream out = s.getOutputStream();
                    for (int n = 1; n <= repliesPerConnection; n++) {
                        for (String line; (line = in.readLine()) != null && !line.isEmpty();) {
                            // headers of a request without a body
                        }
                        String body = String.valueOf(n);
                        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n" + connectionHeader + "\r\n" + body)
                                .getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                    // the next request arrives on a connection the backend has given up: read, then close unanswered
                    in.readLine();
                } catch (Exception closed) {
                    // the test is over, or the client went away
                }
            }
        }, "fake-backend");
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static ProxyConfig config(int maxIdle) {
        ProxyConfig d = ProxyConfig.DEFAULTS;
        return new ProxyConfig(d.host(), d.port(), d.tlsPort(), d.resolvers(), d.backendPort(), d.connectTimeout(), d.probeInterval(),
                d.maxHeaderBytes(), d.maxBodyBytes(), d.maxBufferedBodyBytes(), d.streamRepliesAbove(), d.streamRequestsAbove(), d.idleTimeout(), d.maxConnections(),
                d.maxConnectionsPerClient(), d.requestHeaderTimeout(), d.minRequestBodyRate(), d.minResolveTtl(), maxIdle,
                Duration.ofSeconds(5), false, d.backfillInterval(), d.backfillTimeout(), d.quarantineEntries());
    }

    private static FullHttpRequest request() {
        DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/", Unpooled.EMPTY_BUFFER);
        r.headers().set("Host", "backend.example");
        r.headers().set("Content-Length", 0);
        return r;
    }

    private static String ask(BackendClient client, ServerSocket backend) throws Exception {
        FullHttpResponse r = ((BackendReply.Whole) client.exchange(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                backend.getLocalPort()), BackendClientTest::request, Duration.ofSeconds(2), client.anyLoop()).get(3, TimeUnit.SECONDS)).response();
        try {
            return r.status().code() + ":" + r.content().toString(StandardCharsets.UTF_8);
        } finally {
            r.release();
        }
    }

    private Map<String, Object> run(String connectionHeader, int repliesPerConnection, int maxIdle, int requests) throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        StringBuilder answers = new StringBuilder();
        try (ServerSocket server = backend(connectionHeader, repliesPerConnection, accepted);
             BackendClient client = new BackendClient(netty, config(maxIdle), new BodyBudget(1 << 20, 1 << 20))) {
            for (int i = 0; i < requests; i++) {
                answers.append(ask(client, server)).append(' ');
            }
        }
        Map<String, Object> out = new HashMap<>();
        out.put("answers", answers.toString().trim());
        out.put("connections", accepted.get());
        return out;
    }

    @Test
    void aKeptAliveConnectionCarriesTheNextRequests() throws Exception {
        Map<String, Object> r = run("", 100, 8, 3);
        assertEquals("200:1 200:2 200:3", r.get("answers"));
        assertEquals(1, r.get("connections"));
    }

    @Test
    void aBackendThatSaysCloseGetsANewConnectionEachTime() throws Exception {
        Map<String, Object> r = run("Connection: close\r\n", 1, 8, 3);
        assertEquals("200:1 200:1 200:1", r.get("answers"));
        assertEquals(3, r.get("connections"));
    }

    @Test
    void aKeptConnectionTheBackendDroppedIsRetriedOnceOnAFreshOne() throws Exception {
        // the backend answers once per connection, then closes it without warning
        Map<String, Object> r = run("", 1, 8, 3);
        assertEquals("200:1 200:1 200:1", r.get("answers"), "every request answered despite the stale connections");
        assertEquals(3, r.get("connections"));
    }

    @Test
    void nothingIsKeptWhenTheLimitIsZero() throws Exception {
        Map<String, Object> r = run("", 100, 0, 3);
        assertEquals("200:1 200:1 200:1", r.get("answers"));
        assertEquals(3, r.get("connections"));
    }
}
