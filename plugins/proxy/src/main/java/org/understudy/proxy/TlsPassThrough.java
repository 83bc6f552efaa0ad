package org.understudy.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.Errors;
import org.understudy.api.PluginContext;
import org.understudy.api.model.Flow;
import org.understudy.api.spi.DeviceProfile;

/**
 * TLS pass-through for one connection: reads the ClientHello's SNI without terminating TLS; a name some
 * profile declares pass-through is connected to the real host (resolved through the configured resolvers)
 * on the same port and the bytes are spliced untouched both ways; any other name, or none, is closed, and so is a
 * connection whose host is known to be unreachable (at once: the device does not hang), each recorded as a
 * {@code REJECTED} flow with the reason.
 * Only metadata is recorded: SNI, bytes each way, duration.
 */
final class TlsPassThrough extends AbstractSniHandler<Channel> {

    private static final Logger LOG = LoggerFactory.getLogger(TlsPassThrough.class);

    private final PluginContext<ProxyConfig> context;
    private final BackendClient backend;
    private final Forwarding forwarding;
    private final FlowWriter flows;
    private final ChannelGroup open;
    private final Clock clock;
    private final Instant start;
    private final RequestDeadline deadline;
    private String profile = "";

    /**
     * @param flows where the connection's flow is queued, batched with the HTTP flows
     * @param open every channel of the proxy, closed when it stops; the backend side is added to it
     * @param deadline the ClientHello's deadline, done once the SNI is read
     */
    TlsPassThrough(PluginContext<ProxyConfig> context, BackendClient backend, Forwarding forwarding, FlowWriter flows, ChannelGroup open,
                   RequestDeadline deadline, Clock clock) {
        this.deadline = deadline;
        this.context = context;
        this.backend = backend;
        this.forwarding = forwarding;
        this.flows = flows;
        this.open = open;
        this.clock = clock;
        this.start = clock.instant();
    }

    @Override
    protected Future<Channel> lookup(ChannelHandlerContext ctx, String hostname) {
        deadline.done(); // the ClientHello is in: from now on the connection is busy, not waiting
        Promise<Channel> promise = ctx.executor().newPromise();
        DeviceProfile<?> owner = hostname == null ? null : context.profiles().passThroughOf(hostname).orElse(null);
        if (owner == null) {
            // a name the profiles claim for themselves (a firmware host refused) is recorded against its profile
            profile = hostname == null ? "" : context.profiles().interceptorOf(hostname).map(DeviceProfile::id).orElse("");
            return promise.setFailure(new IllegalStateException(hostname == null ? "no SNI" : "no profile passes " + hostname + " through"));
        }
        profile = owner.id();
        int port = ((InetSocketAddress) ctx.channel().localAddress()).getPort();
        String upstream = hostname + ":" + port;
        if (!forwarding.reachable(upstream)) {
            // the device's cloud connection fails at once instead of hanging until its own timeout
            return promise.setFailure(new IllegalStateException(upstream + " is unreachable"));
        }
        backend.resolve(hostname).whenComplete((address, error) -> {
            if (error != null) {
                context.connectivity().reportFailure(upstream, "cannot resolve: " + Errors.describe(error));
                promise.tryFailure(error);
                return;
            }
            InetSocketAddress target = new InetSocketAddress(address.getAddress(), port);
            forwarding.monitor(upstream, target);
            new Bootstrap().group(ctx.channel().eventLoop()).channel(context.netty().socketChannelType())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) context.config().connectTimeout().toMillis())
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            // a backend lost mid-stream must not hold the connection open; its relay follows
                            ch.pipeline().addLast(new IdleStateHandler(0, 0, context.config().idleTimeout().toMillis(),
                                    TimeUnit.MILLISECONDS));
                            open.add(ch);
                        }
                    })
                    .connect(target).addListener(f -> {
                        if (f.isSuccess()) {
                            context.connectivity().reportSuccess(upstream);
                            promise.trySuccess(((ChannelFuture) f).channel());
                        } else {
                            context.connectivity().reportFailure(upstream, Errors.describe(f.cause()));
                            promise.tryFailure(f.cause());
                        }
                    });
        });
        return promise;
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<Channel> future) {
        if (!future.isSuccess()) {
            LOG.debug("TLS for {} refused: {}", hostname, future.cause().getMessage());
            recordRefusal(ctx.channel(), hostname, Errors.describe(future.cause()));
            ctx.close();
            return;
        }
        Channel server = future.getNow();
        Channel client = ctx.channel();
        if (!client.isActive()) {
            server.close(); // the device hung up while the real host was being reached
            return;
        }
        AtomicLong up = new AtomicLong();
        AtomicLong down = new AtomicLong();
        AtomicBoolean recorded = new AtomicBoolean();
        Runnable record = () -> {
            if (recorded.compareAndSet(false, true)) {
                recordFlow(client, hostname, up.get(), down.get());
            }
        };
        Duration grace = context.config().idleTimeout();
        server.pipeline().addLast(new Relay(client, down, record, grace));
        server.config().setAutoRead(true);
        // removing this handler hands the buffered ClientHello to the relay, which sends it on
        ctx.pipeline().replace(this, "tls-relay", new Relay(server, up, record, grace));
    }

    /** A connection closed without being spliced: recorded, with why (no SNI, a refused name, the host down). */
    private void recordRefusal(Channel client, String sni, String reason) {
        InetSocketAddress from = (InetSocketAddress) client.remoteAddress();
        flows.queue(new Flow(start, Duration.between(start, clock.instant()), profile,
                from == null ? "" : from.getAddress().getHostAddress(), sni == null ? "" : sni, "TLS",
                "refused: " + reason, 0, Flow.Outcome.REJECTED, List.of(), List.of(), Flow.Body.EMPTY, Flow.Body.EMPTY));
    }

    private void recordFlow(Channel client, String sni, long up, long down) {
        Flow flow = new Flow(start, Duration.between(start, clock.instant()), profile,
                ((InetSocketAddress) client.remoteAddress()).getAddress().getHostAddress(), sni, "TLS",
                "bytes up " + up + ", down " + down, 0, Flow.Outcome.PASSED_THROUGH, List.of(), List.of(),
                new Flow.Body(null, null, up), new Flow.Body(null, null, down));
        flows.queue(flow);
    }
}
