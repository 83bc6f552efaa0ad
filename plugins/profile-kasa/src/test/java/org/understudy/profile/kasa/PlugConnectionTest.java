package org.understudy.profile.kasa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.understudy.core.testing.NioTransport;

/**
 * The connection to one plug: kept between requests, requests one after the other, a kept connection the plug
 * dropped meanwhile replaced without the caller noticing, and a request never sent twice once the plug started
 * answering it.
 */
class PlugConnectionTest {

    /** What the fake plug does with the n-th request it reads (counted over all its connections, from 1). */
    private interface Script {
        /** Answers {@code request} on {@code out}; false closes the connection instead of reading more. */
        boolean handle(int n, String request, OutputStream out) throws IOException;
    }

    private final NioTransport netty = new NioTransport(1);
    private final DefaultChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private ServerSocket plug;

    @AfterEach
    void stop() throws IOException {
        open.close().syncUninterruptibly();
        netty.close();
        if (plug != null) {
            plug.close();
        }
    }

    /** A plug on loopback that reads framed requests and lets {@code script} answer them. */
    private InetSocketAddress plug(Script script) throws IOException {
        plug = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!plug.isClosed()) {
                try {
                    Socket s = plug.accept();
                    accepted.incrementAndGet();
                    Thread c = new Thread(() -> serve(s, script));
                    c.setDaemon(true);
                    c.start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), plug.getLocalPort());
    }

    private void serve(Socket s, Script script) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            while (true) {
                int length = in.readInt();
                byte[] cipher = new byte[length];
                in.readFully(cipher);
                String request = new String(KasaCipher.decrypt(cipher), StandardCharsets.UTF_8);
                received.add(request);
                if (!script.handle(requests.incrementAndGet(), request, s.getOutputStream())) {
                    return;
                }
            }
        } catch (IOException closed) {
            // the client went away
        }
    }

    private static boolean answer(OutputStream out, String json) throws IOException {
        out.write(KasaCipher.frame(json));
        out.flush();
        return true;
    }

    private PlugConnection connection(Duration keep) {
        return new PlugConnection(netty, netty.eventLoops().next(), open, Duration.ofSeconds(2), keep, 65536);
    }

    private static JsonNode get(CompletableFuture<JsonNode> f) throws Exception {
        return f.get(5, TimeUnit.SECONDS);
    }

    @Test
    void keptConnectionCarriesRequestsOneAfterTheOther() throws Exception {
        InetSocketAddress at = plug((n, request, out) -> answer(out, "{\"n\":" + n + "}"));
        PlugConnection c = connection(Duration.ofMinutes(1));
        // sent together, answered in order on one connection
        CompletableFuture<JsonNode> first = c.send(at, "{\"a\":1}");
        CompletableFuture<JsonNode> second = c.send(at, "{\"a\":2}");
        CompletableFuture<JsonNode> third = c.send(at, "{\"a\":3}");
        assertEquals(1, get(first).path("n").asInt());
        assertEquals(2, get(second).path("n").asInt());
        assertEquals(3, get(third).path("n").asInt());
        assertEquals(4, get(c.send(at, "{}")).path("n").asInt());
        assertEquals(1, accepted.get());
        assertEquals(List.of("{\"a\":1}", "{\"a\":2}", "{\"a\":3}", "{}"), received);
    }

    @Test
    void withoutKeepingEachRequestHasItsOwnConnection() throws Exception {
        InetSocketAddress at = plug((n, request, out) -> answer(out, "{\"n\":" + n + "}"));
        PlugConnection c = connection(Duration.ZERO);
        assertEquals(1, get(c.send(at, "{}")).path("n").asInt());
        assertEquals(2, get(c.send(at, "{}")).path("n").asInt());
        assertEquals(2, accepted.get());
    }

    @Test
    void aKeptConnectionThePlugDroppedIsReplacedOnce() throws Exception {
        // the plug answers once per connection, then drops it when the next request arrives (unanswered)
        InetSocketAddress at = plug((n, request, out) -> n % 2 == 1 && answer(out, "{\"n\":" + n + "}"));
        PlugConnection c = connection(Duration.ofMinutes(1));
        assertEquals(1, get(c.send(at, "{\"a\":1}")).path("n").asInt());
        // request 2 is lost with the kept connection; sent again on a new one, it is request 3
        assertEquals(3, get(c.send(at, "{\"a\":2}")).path("n").asInt());
        assertEquals(2, accepted.get());
        assertEquals(List.of("{\"a\":1}", "{\"a\":2}", "{\"a\":2}"), received);
    }

    @Test
    void aRequestThePlugStartedAnsweringIsNeverSentTwice() throws Exception {
        InetSocketAddress at = plug((n, request, out) -> {
            if (n == 1) {
                return answer(out, "{\"n\":1}");
            }
            out.write(new byte[] {0, 0, 0, 50, 1, 2, 3}); // part of a reply, then the plug hangs up
            out.flush();
            return false;
        });
        PlugConnection c = connection(Duration.ofMinutes(1));
        get(c.send(at, "{}"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(c.send(at, "{\"system\":{\"reboot\":{}}}")));
        assertTrue(e.getCause().getMessage().contains("closed the connection before its reply was complete"), e.getCause().getMessage());
        assertEquals(2, requests.get());
    }

    @Test
    void aSilentPlugFailsItsRequestAndTheNextOneGetsANewConnection() throws Exception {
        InetSocketAddress at = plug((n, request, out) -> n == 1 || answer(out, "{\"n\":" + n + "}")); // the first is not answered
        // the timeout also bounds the second request's new connection and reply: 300 ms was too short beside stress-ng
        PlugConnection c = connection(Duration.ofMinutes(1));
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(c.send(at, "{}")));
        assertTrue(e.getCause().getMessage().contains("no reply within the request timeout"), e.getCause().getMessage());
        // the late reply of the first request can never be taken for the second one's: a new connection
        assertEquals(2, get(c.send(at, "{}")).path("n").asInt());
        assertEquals(2, accepted.get());
    }

    @Test
    void garbageFailsOnlyItsOwnRequest() throws Exception {
        InetSocketAddress at = plug((n, request, out) -> {
            if (n == 1) {
                out.write(KasaCipher.frame("not json at all"));
                out.flush();
                return true;
            }
            return answer(out, "{\"n\":" + n + "}");
        });
        PlugConnection c = connection(Duration.ofMinutes(1));
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(c.send(at, "{}")));
        assertTrue(e.getCause().getMessage().contains("not JSON"), e.getCause().getMessage());
        assertEquals(2, get(c.send(at, "{}")).path("n").asInt());
    }

    @Test
    void aReplyOverTheLimitIsRefused() throws Exception {
        InetSocketAddress at = plug((n, request, out) -> answer(out, "{\"x\":\"" + "y".repeat(5000) + "\"}"));
        PlugConnection c = new PlugConnection(netty, netty.eventLoops().next(), open, Duration.ofSeconds(2), Duration.ofMinutes(1), 1024);
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(c.send(at, "{}")));
        assertTrue(e.getCause().getMessage().contains("longer than maxReplyBytes"), e.getCause().getMessage());
    }

    @Test
    void closingFailsWhatWaitsAndSendsNothingMore() throws Exception {
        InetSocketAddress at = plug((n, request, out) -> true); // never answers
        PlugConnection c = connection(Duration.ofMinutes(1));
        CompletableFuture<JsonNode> sent = c.send(at, "{}");
        CompletableFuture<JsonNode> waiting = c.send(at, "{}");
        c.close();
        for (CompletableFuture<JsonNode> f : List.of(sent, waiting)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> get(f));
            assertTrue(e.getCause().getMessage().contains("stopped"), e.getCause().getMessage());
        }
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(c.send(at, "{}")));
        assertTrue(e.getCause().getMessage().contains("stopped"), e.getCause().getMessage());
    }

    @Test
    void noPlugThereIsAClearError() throws Exception {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        s.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(connection(Duration.ofMinutes(1)).send(at, "{}")));
        assertTrue(e.getCause().getMessage().startsWith("cannot connect to "), e.getCause().getMessage());
    }
}
