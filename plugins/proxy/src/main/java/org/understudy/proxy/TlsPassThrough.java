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
import org.understudy.api.PluginContext;
import org.understudy.api.model.Flow;
import org.understudy.api.spi.DeviceProfile;

/**
 * TLS pass-through for one connection: reads the ClientHello's SNI without terminating TLS; a name some
 * profile declares pass-through is connected to the real host (resolved through the configured resolvers)
 * on the same port and the bytes are spliced untouched both ways; any other name, or none, is closed.
 * Only metadata is recorded: SNI, bytes each way, duration.
 */
final class TlsPassThrough extends AbstractSniHandler<Channel> {

    private static final Logger LOG = LoggerFactory.getLogger(TlsPassThrough.class);

    private final PluginContext<ProxyConfig> context;
    private final BackendClient backend;
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
    TlsPassThrough(PluginContext<ProxyConfig> context, BackendClient backend, FlowWriter flows, ChannelGroup open,
                   RequestDeadline deadline, Clock clock) {
        this.deadline = deadline;
        this.context = context;
        this.backend = backend;
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
            return promise.setFailure(new IllegalStateException("no profile passes through " + hostname));
        }
        profile = owner.id();
        int port = ((InetSocketAddress) ctx.channel().localAddress()).getPort();
        backend.resolve(hostname).whenComplete((address, error) -> {
            if (error != null) {
                promise.tryFailure(error);
                return;
            }
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
                    .connect(new InetSocketAddress(address.getAddress(), port)).addListener(f -> {
                        if (f.isSuccess()) {
                            promise.trySuccess(((ChannelFuture) f).channel());
                        } else {
                            promise.tryFailure(f.cause());
                        }
                    });
        });
        return promise;
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<Channel> future) {
        if (!future.isSuccess()) {
            LOG.debug("TLS for {} closed: {}", hostname, future.cause().getMessage());
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

    private void recordFlow(Channel client, String sni, long up, long down) {
        Flow flow = new Flow(start, Duration.between(start, clock.instant()), profile,
                ((InetSocketAddress) client.remoteAddress()).getAddress().getHostAddress(), sni, "TLS",
                "bytes up " + up + ", down " + down, 0, Flow.Outcome.PASSED_THROUGH, List.of(), List.of(),
                new Flow.Body(null, null, up), new Flow.Body(null, null, down));
        flows.queue(flow);
    }
}
