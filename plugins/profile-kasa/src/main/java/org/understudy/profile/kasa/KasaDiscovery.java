package org.understudy.profile.kasa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.Errors;
import org.understudy.api.PluginContext;

/**
 * Finds plugs as TP-Link's apps do: every {@code discoveryInterval}, three UDP probes (the obfuscated
 * {@code get_sysinfo}, without the TCP length prefix) to each configured broadcast address or host; every plug
 * answers from its port with its sysinfo. Newer plugs that speak only KLAP/AES answer a different probe on
 * {@code klapDiscoveryPort}; one that does, and has TCP 9999 closed, is listed as unsupported. Replies that are not
 * what a plug sends are counted and dropped. Runs on one datagram channel on the runtime's event loops.
 */
final class KasaDiscovery {

    private static final Logger LOG = LoggerFactory.getLogger(KasaDiscovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] PROBE = KasaCipher.encrypt("{\"system\":{\"get_sysinfo\":{}}}".getBytes(StandardCharsets.UTF_8));
    /** The newer protocol's discovery query (python-kasa DISCOVERY_QUERY_2). */
    private static final byte[] KLAP_PROBE = HexFormat.of().parseHex("020000010000000000000000463cb5d3");
    private static final int PROBES_PER_ROUND = 3;
    private static final Duration BETWEEN_PROBES = Duration.ofMillis(300);

    private final PluginContext<KasaConfig> context;
    private final KasaDriver driver;
    private volatile Channel channel;
    private volatile ScheduledFuture<?> rounds;
    private final LongAdder sent = new LongAdder();
    private final LongAdder replies = new LongAdder();
    private final LongAdder unreadable = new LongAdder();
    private volatile String lastError;

    KasaDiscovery(PluginContext<KasaConfig> context, KasaDriver driver) {
        this.context = context;
        this.driver = driver;
    }

    /** Binds the discovery socket (without waiting for it) and starts the rounds. */
    void start() {
        KasaConfig c = context.config();
        if (c.discoveryTargets().isEmpty()) {
            return;
        }
        var bound = new Bootstrap().group(context.netty().eventLoops()).channel(context.netty().datagramChannelType())
                .option(ChannelOption.SO_BROADCAST, true)
                .handler(new Replies())
                .bind(new InetSocketAddress(c.discoveryBindAddress(), 0));
        context.own(() -> bound.channel().close());
        bound.addListener(f -> {
            if (f.isSuccess()) {
                channel = bound.channel();
            } else {
                lastError = "cannot bind " + c.discoveryBindAddress() + ": " + Errors.describe(f.cause());
                LOG.error("Kasa discovery off: {}", lastError);
            }
        });
        rounds = context.scheduler().scheduleWithFixedDelay(this::round, Duration.ofMillis(100), c.discoveryInterval());
    }

    void stop() {
        if (rounds != null) {
            rounds.cancel(false);
        }
        if (channel != null) {
            channel.close();
        }
    }

    /** One round: three probes to every target, a little apart (a probe or its answer may be lost). */
    private void round() {
        for (int i = 0; i < PROBES_PER_ROUND; i++) {
            context.scheduler().schedule(this::probe, BETWEEN_PROBES.multipliedBy(i));
        }
    }

    private void probe() {
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            return;
        }
        KasaConfig c = context.config();
        for (InetSocketAddress target : c.discoveryTargets()) {
            InetSocketAddress to = new InetSocketAddress(target.getHostString(), target.getPort());
            if (to.isUnresolved()) {
                lastError = "cannot resolve " + target.getHostString();
                continue;
            }
            send(ch, PROBE, to);
            if (c.klapDiscoveryPort() > 0) {
                send(ch, KLAP_PROBE, new InetSocketAddress(to.getAddress(), c.klapDiscoveryPort()));
            }
        }
    }

    private void send(Channel ch, byte[] payload, InetSocketAddress to) {
        sent.increment();
        ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(payload), to)).addListener(f -> {
            if (!f.isSuccess()) {
                lastError = "probe to " + to + " not sent: " + Errors.describe(f.cause());
            }
        });
    }

    private final class Replies extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress from = packet.sender();
            ByteBuf content = packet.content();
            byte[] bytes = new byte[Math.min(content.readableBytes(), context.config().maxReplyBytes())];
            content.readBytes(bytes);
            replies.increment();
            KasaConfig c = context.config();
            if (c.klapDiscoveryPort() > 0 && from.getPort() == c.klapDiscoveryPort()) {
                newProtocol(from);
                return;
            }
            try {
                JsonNode sys = JSON.readTree(KasaCipher.decrypt(bytes)).path("system").path("get_sysinfo");
                Sysinfo info = Sysinfo.of(sys);
                if (!sys.isObject() || info.deviceId().isEmpty()) {
                    unreadable.increment();
                    return;
                }
                driver.found(from, info);
            } catch (java.io.IOException | RuntimeException notAPlug) {
                unreadable.increment();
            }
        }
    }

    /** A device answered the newer protocol's probe: unsupported, unless it also speaks the legacy one. */
    private void newProtocol(InetSocketAddress from) {
        String host = from.getAddress().getHostAddress();
        if (driver.knownHost(host)) {
            return; // it speaks the legacy protocol too
        }
        context.scheduler().blocking().execute(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(from.getAddress(), KasaConfig.PORT), (int) context.config().requestTimeout().toMillis());
                LOG.debug("{} answers the KLAP probe but has TCP {} open: waiting for its legacy discovery answer", host, KasaConfig.PORT);
            } catch (java.io.IOException closed) {
                driver.unsupported(host, "answers only the newer KLAP/AES protocol (discovery on UDP " + from.getPort()
                        + "); the legacy local protocol on TCP " + KasaConfig.PORT + " is closed, likely after a firmware update");
            }
        });
    }

    Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", channel != null);
        out.put("probesSent", sent.sum());
        out.put("replies", replies.sum());
        out.put("unreadableReplies", unreadable.sum());
        out.put("lastError", lastError);
        return out;
    }
}
