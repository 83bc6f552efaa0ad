package org.understudy.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.PluginContext;
import org.understudy.api.spi.TrafficProxy;

/**
 * The traffic proxy plugin (id {@code proxy}): one HTTP/1.1 listener and the TLS pass-through listeners, all on
 * the runtime's event loops.
 */
public final class HttpProxy implements TrafficProxy<ProxyConfig> {

    private static final Logger LOG = LoggerFactory.getLogger(HttpProxy.class);

    /** How often a changed quarantine is written to disk (a surprise is rare; a crash loses at most this much of it). */
    private static final Duration QUARANTINE_SAVE_INTERVAL = Duration.ofSeconds(5);

    private final LongAdder timedOut = new LongAdder();
    private volatile Quarantine quarantine;
    private volatile ConnectionLimits limits;
    private volatile Exchange exchange;
    private volatile Backfill backfill;
    private volatile FlowWriter flowWriter;
    /** The TLS pass-through listeners by port; guarded by itself. */
    private final Map<Integer, Channel> tlsListeners = new java.util.TreeMap<>();
    private final Set<Integer> tlsBinding = new TreeSet<>();
    private boolean tlsStopped;
    private volatile String tlsError;
    private volatile BodyBudget bodyBudget;
    private volatile String listening = "";

    @Override
    public String id() {
        return "proxy";
    }

    @Override
    public Class<ProxyConfig> configType() {
        return ProxyConfig.class;
    }

    @Override
    public ProxyConfig defaultConfig() {
        return ProxyConfig.DEFAULTS;
    }

    @Override
    public void start(PluginContext<ProxyConfig> context) throws Exception {
        ProxyConfig c = context.config();
        BodyBudget bodies = new BodyBudget(c.maxBufferedBodyBytes(), c.maxBodyBytes());
        BackendClient backend = context.own(new BackendClient(context.netty(), c, bodies));
        Forwarding forwarding = new Forwarding(context, backend, Clock.systemUTC());
        ProxyMeters meters = new ProxyMeters(context.meters());
        Quarantine seen = new Quarantine(context.dataDirectory().resolve("quarantine.json"), c.quarantineEntries(), Clock.systemUTC());
        quarantine = seen;
        context.own(seen::save);
        context.web().mount(QuarantinePage.PATH, "Quarantine: what devices sent that no profile knows",
                new QuarantinePage(seen));
        FlowWriter flows = new FlowWriter(context, meters);
        flowWriter = flows;
        Exchange ex = new Exchange(context, forwarding, flows, Clock.systemUTC());
        // what is left when the proxy stops: owned first, so it runs after the connections below are closed
        context.own(flows::flush);
        // every device connection and spliced backend: closed when the proxy stops, after its listeners
        ChannelGroup open = new DefaultChannelGroup("proxy", ImmediateEventExecutor.INSTANCE);
        context.own(() -> open.close().awaitUninterruptibly());
        ConnectionLimits admission = new ConnectionLimits(c.maxConnections(), c.maxConnectionsPerClient());
        limits = admission;
        ProxyMeters.publish(context.meters(), "proxy_refused_connections_total", "Device connections refused: the client had"
                + " maxConnectionsPerClient open, or the proxy maxConnections.", () -> admission.refusedPerClient.sum() + admission.refusedFull.sum());
        ProxyMeters.publish(context.meters(), "proxy_request_timeouts_total", "Device connections closed because a request"
                + " did not arrive whole within requestTimeout.", timedOut::sum);
        listen(context, c.port(), open, admission, (ch, deadline) -> {
            BodyBudget.Guard guard = bodies.guard();
            RequestTap tap = new RequestTap(context.profiles(), forwarding, c.streamRequestsAbove(), c.maxBodyBytes());
            // FlowControlHandler: with reading paused while a request is answered, a pipelined next request the
            // codec already decoded waits here instead of overtaking the answer
            ch.pipeline().addLast(deadline.raw, new HttpResponseEncoder(), new DeviceRequestDecoder(c.maxHeaderBytes(), c.maxBodyBytes()),
                    new io.netty.handler.flow.FlowControlHandler(), deadline.decoded, guard, tap,
                    new HttpObjectAggregator(c.maxBodyBytes()) {
                        @Override
                        protected void handleOversizedMessage(io.netty.channel.ChannelHandlerContext ctx,
                                                              io.netty.handler.codec.http.HttpMessage oversized) {
                            // the proxy's own 413 (framing and Date like every reply of ours), then close: the rest of
                            // the body is not read
                            ctx.channel().writeAndFlush(Replies.toNetty(Replies.plain(413, "request body larger than "
                                    + c.maxBodyBytes() + " bytes"), true, false).get(0))
                                    .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                        }
                    },
                    new DeviceHandler(context.profiles(), ex, context.scheduler().blocking(), Clock.systemUTC(), guard, tap, meters,
                            seen));
        });
        bodyBudget = bodies;
        ServerBootstrap tls = bootstrap(context, open, admission, (ch, deadline) -> ch.pipeline().addLast(deadline.raw,
                new TlsPassThrough(context, backend, forwarding, flows, open, deadline, Clock.systemUTC())));
        // the pass-through ports of the profiles running now are bound before the proxy serves; then they follow
        // the profiles live: a port a profile starts asking for is bound, one no profile asks for any more released
        Set<Integer> tlsPorts = wantedTlsPorts(context);
        for (int tlsPort : tlsPorts) {
            Channel listener = tls.bind(c.host(), tlsPort).sync().channel();
            tlsListeners.put(tlsPort, listener);
        }
        context.own(() -> {
            synchronized (tlsListeners) {
                tlsStopped = true;
                tlsListeners.values().forEach(Channel::close);
                tlsListeners.clear();
            }
        });
        context.own(context.profiles().onChange(() -> followPassThroughPorts(context, tls)));
        context.scheduler().scheduleBlockingWithFixedDelay(seen::save, QUARANTINE_SAVE_INTERVAL, QUARANTINE_SAVE_INTERVAL);
        if (c.backfill()) {
            Backfill b = new Backfill(context, forwarding, meters, Clock.systemUTC());
            context.scheduler().scheduleBlockingWithFixedDelay(b::next, c.backfillInterval(), c.backfillInterval());
            backfill = b;
        }
        exchange = ex;
        listening = c.host() + ":" + c.port() + " (HTTP)";
        LOG.info("proxy listening on {}{}; resolvers {}", listening, tlsPorts.isEmpty() ? "" : ", TLS pass-through on " + tlsPorts,
                c.resolvers().isEmpty() ? "none: offline only" : c.resolvers());
    }

    /** The TLS ports to listen on: the configured one and every one a running profile asks for. */
    private static Set<Integer> wantedTlsPorts(PluginContext<ProxyConfig> context) {
        Set<Integer> ports = new TreeSet<>(context.profiles().passThroughPorts());
        if (context.config().tlsPort() > 0) {
            ports.add(context.config().tlsPort());
        }
        return ports;
    }

    /** Binds the pass-through ports profiles ask for now and releases those no one asks for. Never blocks. */
    private void followPassThroughPorts(PluginContext<ProxyConfig> context, ServerBootstrap tls) {
        Set<Integer> wanted = wantedTlsPorts(context);
        synchronized (tlsListeners) {
            if (tlsStopped) {
                return;
            }
            for (var it = tlsListeners.entrySet().iterator(); it.hasNext();) {
                var e = it.next();
                if (!wanted.contains(e.getKey())) {
                    LOG.info("TLS pass-through port {} released: no running profile asks for it", e.getKey());
                    e.getValue().close();
                    it.remove();
                }
            }
            for (int port : wanted) {
                if (tlsListeners.containsKey(port) || tlsBinding.contains(port)) {
                    continue;
                }
                tlsBinding.add(port);
                tls.bind(context.config().host(), port).addListener((io.netty.channel.ChannelFuture f) -> {
                    synchronized (tlsListeners) {
                        tlsBinding.remove(port);
                        if (!f.isSuccess()) {
                            tlsError = "cannot listen on TLS port " + port + ": " + org.understudy.api.Errors.describe(f.cause());
                            LOG.error("proxy: {}", tlsError);
                        } else if (tlsStopped || !wantedTlsPorts(context).contains(port)) {
                            f.channel().close(); // stopped, or no longer wanted, while it was being bound
                        } else {
                            tlsListeners.put(port, f.channel());
                            LOG.info("TLS pass-through port {} bound for a profile", port);
                        }
                    }
                });
            }
        }
    }

    /**
     * One listener on the runtime's event loops. What every device connection gets, whatever its protocol:
     * membership of {@code open}, admission ({@code maxConnections}, per client), the idle timeout and a
     * request deadline; then {@code protocol} adds the rest of the pipeline, the deadline's handlers included.
     */
    private void listen(PluginContext<ProxyConfig> context, int port, ChannelGroup open, ConnectionLimits admission,
                        BiConsumer<Channel, RequestDeadline> protocol) throws InterruptedException {
        Channel server = bootstrap(context, open, admission, protocol).bind(context.config().host(), port).sync().channel();
        context.own(() -> server.close().sync());
    }

    private ServerBootstrap bootstrap(PluginContext<ProxyConfig> context, ChannelGroup open, ConnectionLimits admission,
                                      BiConsumer<Channel, RequestDeadline> protocol) {
        ProxyConfig c = context.config();
        return new ServerBootstrap().group(context.netty().eventLoops())
                .channel(context.netty().serverChannelType())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        open.add(ch);
                        if (!admission.admit(ch)) {
                            ch.close();
                            return;
                        }
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, c.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
                        protocol.accept(ch, new RequestDeadline(ConnectionLimits.of(ch), c.requestHeaderTimeout(),
                                c.minRequestBodyRate(), HttpProxy::requestTimedOut, timedOut));
                    }
                });
    }

    /** A request too slow to arrive: 408, then the connection closes (a TLS connection is just closed). */
    private static void requestTimedOut(io.netty.channel.ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        if (ch.pipeline().get(HttpResponseEncoder.class) == null) {
            ch.close();
            return;
        }
        var reply = Replies.toNetty(Replies.plain(408, "request took too long to arrive"), true, false);
        ch.writeAndFlush(reply.get(0)).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
    }

    @Override
    public void stop() {
        // the listener and the backend client are owned by the context
    }

    @Override
    public Map<String, Object> status() {
        Exchange ex = exchange;
        if (ex == null) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("listening", listening);
        synchronized (tlsListeners) {
            out.put("tlsPassThroughPorts", List.copyOf(tlsListeners.keySet()));
        }
        if (tlsError != null) {
            out.put("tlsError", tlsError);
        }
        ConnectionLimits admission = limits;
        out.put("connections", admission == null ? 0 : admission.open());
        if (admission != null) {
            out.put("refusedPerClient", admission.refusedPerClient.sum());
            out.put("refusedFull", admission.refusedFull.sum());
            out.put("evictedWaiting", admission.evicted.sum());
        }
        out.put("requestTimeouts", timedOut.sum());
        out.put("forwarded", ex.forwarded.sum());
        out.put("impersonated", ex.impersonated.sum());
        out.put("unavailable", ex.unavailable.sum());
        out.put("notRecorded", ex.notRecorded.sum());
        Quarantine q = quarantine;
        if (q != null) {
            out.put("quarantined", q.size());
            out.put("quarantineNotKept", q.overflow());
        }
        FlowWriter f = flowWriter;
        out.put("flowsDropped", f == null ? 0 : f.dropped.sum());
        BodyBudget bodies = bodyBudget;
        out.put("bufferedBodyBytes", bodies == null ? 0 : bodies.held());
        out.put("refusedOverBodyBudget", bodies == null ? 0 : bodies.refused.sum());
        Backfill b = backfill;
        out.put("backfill", b == null ? "off" : b.status());
        return out;
    }
}
