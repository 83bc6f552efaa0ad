package org.understudy.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;
import org.understudy.core.testing.PluginStatus;
import org.understudy.core.testing.TestPorts;

/**
 * Clients on the LAN that connect and then send a byte now and then (by accident or on purpose) must not
 * be able to silence the devices: the proxy, offline (the Bloomsky profile answers), against 1,000 such
 * connections from loopback, and request deadlines for a single slow client.
 */
class SlowClientsIT {

    private static final String HOST = "bskybackend.bloomsky.com";
    private static final String INFO = "{\"DeviceID\":\"94A1A2733B1A\",\"Temperature\":16.33,\"TS\":%d}";

    @TempDir
    Path dir;
    private PluginRuntime runtime;
    private int port;
    private EventLoopGroup attackLoops;

    private void start(Map<String, String> proxy) throws Exception {
        port = TestPorts.freeTcpPort();
        runtime = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
        runtime.configure("understudy.runtime", Map.of("readingStore", "store-sqlite"));
        Map<String, String> config = new HashMap<>(Map.of("port", String.valueOf(port), "tlsPort", "0"));
        config.putAll(proxy);
        runtime.configure("understudy.proxy", Map.copyOf(config));
        runtime.add(ClasspathPlugins.discover(SlowClientsIT.class.getClassLoader()));
    }

    @AfterEach
    void stop() {
        if (attackLoops != null) {
            attackLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    private long proxyFigure(String name) {
        return ((Number) PluginStatus.of(runtime, "proxy").get(name)).longValue();
    }

    private StrictStation.Response upload(int i) throws Exception {
        long ts = System.currentTimeMillis() / 1000 + i;
        return StrictStation.post("127.0.0.1", port, HOST, "/devc/skydevice/?Info=" + String.format(INFO, ts), new byte[0], 10_000);
    }

    /**
     * Keeps {@code count} connections open from {@code addresses} loopback addresses, each sending one header
     * byte every 5 s, and reopens every one the proxy closes, until stopped.
     */
    private final class SlowAttack implements AutoCloseable {
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger opened = new AtomicInteger();
        final AtomicBoolean running = new AtomicBoolean(true);
        private final Bootstrap bootstrap;

        SlowAttack(int count, int addresses) {
            bootstrap = new Bootstrap().group(attackLoops).channel(NioSocketChannel.class).handler(new Slow());
            for (int i = 0; i < count; i++) {
                connect("127.0.0." + (10 + i % addresses));
            }
        }

        @ChannelHandler.Sharable
        private final class Slow extends ChannelInboundHandlerAdapter {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                open.incrementAndGet();
                opened.incrementAndGet();
                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'P'}));
                ctx.executor().scheduleAtFixedRate(() -> {
                    if (!ctx.channel().isActive()) {
                        throw new IllegalStateException("closed: no more bytes"); // ends the repetition
                    }
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'O'}));
                }, 5, 5, TimeUnit.SECONDS);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                open.decrementAndGet();
                reconnect((InetSocketAddress) ctx.channel().localAddress());
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        }

        private void reconnect(InetSocketAddress from) {
            if (running.get() && from != null) {
                attackLoops.schedule(() -> connect(from.getAddress().getHostAddress()), 20, TimeUnit.MILLISECONDS);
            }
        }

        private void connect(String from) {
            if (running.get()) {
                bootstrap.connect(new InetSocketAddress("127.0.0.1", port), new InetSocketAddress(from, 0)).addListener(f -> {
                    if (!f.isSuccess()) {
                        reconnect(new InetSocketAddress(from, 0));
                    }
                });
            }
        }

        @Override
        public void close() {
            running.set(false);
        }
    }

    @Test
    void aDeviceIsServedWhileAThousandSlowConnectionsAreOpen() throws Exception {
        start(Map.of());
        attackLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (SlowAttack attack = new SlowAttack(1000, 50)) {
            // 50 addresses with 20 connections each: within the per-client limit, four times maxConnections
            await("the attack has opened 1,000 connections and filled the proxy").atMost(Duration.ofSeconds(60))
                    .until(() -> attack.opened.get() >= 1000 && proxyFigure("connections") >= 256);
            for (int i = 0; i < 30; i++) {
                StrictStation.Response r = upload(i);
                assertEquals(200, r.status(), "upload " + i + " answered while the proxy is full of slow clients");
            }
            assertTrue(proxyFigure("evictedWaiting") > 0, "slow connections made way for the device");
            assertTrue(proxyFigure("connections") <= 256, "never more than maxConnections");
        }
    }

    @Test
    void oneAddressCannotTakeMoreThanItsShare() throws Exception {
        start(Map.of());
        attackLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (SlowAttack attack = new SlowAttack(1000, 1)) {
            await("the address hit its limit").atMost(Duration.ofSeconds(60)).until(() -> proxyFigure("refusedPerClient") > 500);
            assertTrue(proxyFigure("connections") <= 32 + 1, "one address holds at most maxConnectionsPerClient");
            for (int i = 0; i < 10; i++) {
                assertEquals(200, upload(i).status());
            }
        }
    }

    @Test
    void headersTooSlowToArriveGet408() throws Exception {
        start(Map.of("requestHeaderTimeout", "1s"));
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] head = ("POST /devc/skydevice/ HTTP/1.1\r\nHost: " + HOST + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            // one byte every 200 ms: never idle, but the headers do not complete within 1 s
            Thread trickle = new Thread(() -> {
                try {
                    for (byte b : head) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(200);
                    }
                } catch (Exception closed) {
                    // the proxy closed the connection: what the test expects
                }
            });
            trickle.setDaemon(true);
            trickle.start();
            StrictStation.Response r = StrictStation.read(in);
            assertEquals(408, r.status());
            assertEquals(-1, in.read(), "and closed");
        }
        assertEquals(1, proxyFigure("requestTimeouts"));
        assertEquals(200, upload(0).status(), "others are served as before");
    }

    @Test
    void aBodyTooSlowToArriveGets408() throws Exception {
        start(Map.of("requestHeaderTimeout", "1s", "minRequestBodyRate", "1000"));
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /devc/skydevice/?Info=" + String.format(INFO, System.currentTimeMillis() / 1000) + " HTTP/1.1\r\nHost: "
                    + HOST + "\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread trickle = new Thread(() -> {
                try {
                    for (int i = 0; i < 1000; i++) {
                        out.write(new byte[10]); // 50 bytes per second: far below 1,000
                        out.flush();
                        Thread.sleep(200);
                    }
                } catch (Exception closed) {
                    // closed by the proxy
                }
            });
            trickle.setDaemon(true);
            trickle.start();
            StrictStation.Response r = StrictStation.read(s.getInputStream());
            assertEquals(408, r.status());
        }
        assertEquals(1, proxyFigure("requestTimeouts"));
    }
}
