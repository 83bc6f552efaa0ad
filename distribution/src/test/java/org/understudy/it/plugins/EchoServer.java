package org.understudy.it.plugins;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.understudy.api.PluginContext;
import org.understudy.api.spi.DnsServer;

/**
 * A stand-in DNS server for the runtime tests: answers each UDP datagram with "prefix:id:version"
 * (version from the jar's plugin-version.txt) and writes a tick counter to ticks-&lt;version&gt; in its
 * data directory, so tests see which version runs and whether an old one still ticks.
 */
public abstract class EchoServer implements DnsServer<EchoConfig> {

    private final AtomicLong ticks = new AtomicLong();
    private volatile String version = "?";

    @Override
    public Class<EchoConfig> configType() {
        return EchoConfig.class;
    }

    @Override
    public EchoConfig defaultConfig() {
        return new EchoConfig(45353, "echo", Duration.ofMillis(50));
    }

    @Override
    public void start(PluginContext<EchoConfig> context) throws Exception {
        version = readVersion();
        String reply = context.config().prefix() + ":" + id() + ":" + version;
        Channel channel = new Bootstrap().group(context.netty().eventLoops())
                .channel(context.netty().datagramChannelType())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        ctx.writeAndFlush(new DatagramPacket(
                                Unpooled.copiedBuffer(reply, StandardCharsets.UTF_8), packet.sender()));
                    }
                }).bind("127.0.0.1", context.config().port()).sync().channel();
        context.own(() -> channel.close().sync());
        Path tickFile = context.dataDirectory().resolve("ticks-" + version);
        context.scheduler().scheduleWithFixedDelay(() -> {
            try {
                Files.writeString(tickFile, Long.toString(ticks.incrementAndGet()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Duration.ZERO, context.config().tick());
    }

    @Override
    public void stop() {
        // the socket and the timer are released by the runtime (own() and the scoped scheduler)
    }

    @Override
    public Map<String, Object> status() {
        return Map.of("ticks", ticks.get(), "version", version);
    }

    private String readVersion() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/plugin-version.txt")) {
            return in == null ? "none" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }
}
