package org.understudy.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.understudy.api.NettyTransport;

/**
 * Talks to a real backend: resolves its name through the configured resolvers only (Netty's resolver,
 * never the system's, which may be pointed at our own DNS), sends one request on a kept or a new
 * connection and collects the whole reply, everything within a deadline.
 */
final class BackendClient implements AutoCloseable {

    private final NettyTransport netty;
    private final DnsNameResolver resolver;
    private final ProxyConfig config;
    private final BackendPool pool;
    private final Map<String, Resolved> lastResolved = new ConcurrentHashMap<>();

    private record Resolved(InetSocketAddress address, long atNanos) {}

    private final BodyBudget budget;

    /** @param budget what copies of large relayed replies may hold in memory (see {@link ReplyStream}) */
    BackendClient(NettyTransport netty, ProxyConfig config, BodyBudget budget) {
        this.budget = budget;
        this.netty = netty;
        this.config = config;
        this.pool = new BackendPool(config.maxIdleBackendConnections());
        List<InetSocketAddress> servers = config.resolvers().stream().map(r -> org.understudy.api.Endpoints.literal(r, 53, "resolvers")).toList();
        this.resolver = servers.isEmpty() ? null : new DnsNameResolverBuilder(netty.eventLoops().next())
                .channelType(netty.datagramChannelType())
                .nameServerProvider(new SequentialDnsServerAddressStreamProvider(servers))
                .queryTimeoutMillis(Math.max(200, config.connectTimeout().toMillis()))
                .maxQueriesPerResolve(servers.size() * 2)
                .ttl((int) Math.min(Integer.MAX_VALUE, config.minResolveTtl().toSeconds()), 86_400)
                .build();
    }

    boolean canForward() {
        return resolver != null;
    }

    /**
     * The backend's address. The resolver keeps answers at least {@code minResolveTtl}; so does this
     * copy of the last answer per host, which spares each request the resolver's hop to its event loop.
     */
    CompletableFuture<InetSocketAddress> resolve(String host) {
        CompletableFuture<InetSocketAddress> out = new CompletableFuture<>();
        if (resolver == null) {
            out.completeExceptionally(new IOException("no resolvers configured"));
            return out;
        }
        Resolved last = lastResolved.get(host);
        if (last != null && System.nanoTime() - last.atNanos() < config.minResolveTtl().toNanos()) {
            out.complete(last.address());
            return out;
        }
        resolver.resolve(host).addListener(f -> {
            if (f.isSuccess()) {
                InetSocketAddress address = new InetSocketAddress((InetAddress) f.getNow(), config.backendPort());
                lastResolved.put(host, new Resolved(address, System.nanoTime()));
                out.complete(address);
            } else {
                out.completeExceptionally(new IOException("cannot resolve " + host + ": " + f.cause().getMessage(), f.cause()));
            }
        });
        return out;
    }

    /**
     * Sends a request to {@code backend} on a kept connection if one is idle, else on a new one; completes
     * with the reply (whole, or streaming when larger than {@code streamRepliesAbove}), or fails after
     * {@code deadline}. {@code request} may be called twice: a kept
     * connection the backend closed meanwhile is retried once on a fresh one.
     */
    CompletableFuture<BackendReply> exchange(InetSocketAddress backend, Supplier<FullHttpRequest> request, Duration deadline,
                                             EventLoop loop) {
        CompletableFuture<BackendReply> reply = withDeadline(deadline, loop);
        Runnable fresh = () -> connectAndSend(backend, request.get(), reply, deadline, loop);
        Channel kept = pool.take(backend, loop);
        if (kept != null) {
            kept.pipeline().get(BackendConnection.class).send(kept, request.get(), reply, fresh);
        } else {
            fresh.run();
        }
        return reply;
    }

    /**
     * Starts a request whose body is still arriving, on a new connection: its head is sent once connected,
     * its body parts as they are written to the returned {@link StreamedRequest}, in order.
     */
    StreamedRequest stream(CompletableFuture<InetSocketAddress> address, io.netty.handler.codec.http.HttpRequest head,
                           Duration deadline, EventLoop loop) {
        CompletableFuture<BackendReply> reply = withDeadline(deadline, loop);
        StreamedRequest request = new StreamedRequest(reply);
        request.write(head);
        address.whenComplete((backend, unresolved) -> {
            if (unresolved != null) {
                reply.completeExceptionally(unresolved);
                return;
            }
            BackendConnection connection = newConnection(backend);
            ChannelFuture connect = connect(backend, connection, deadline, loop);
            connect.addListener(f -> {
                if (f.isSuccess()) {
                    connection.expect(connect.channel(), reply, null);
                    request.connected(connect.channel());
                } else {
                    reply.completeExceptionally(f.cause());
                }
            });
        });
        return request;
    }

    /** One of the shared event loops, for callers that are not on one. */
    EventLoop anyLoop() {
        return netty.eventLoops().next();
    }

    private CompletableFuture<BackendReply> withDeadline(Duration deadline, EventLoop loop) {
        CompletableFuture<BackendReply> reply = new CompletableFuture<>();
        var timeout = loop.schedule(
                () -> reply.completeExceptionally(new TimeoutException("no reply within " + deadline.toMillis() + " ms")),
                deadline.toNanos(), TimeUnit.NANOSECONDS);
        reply.whenComplete((r, t) -> timeout.cancel(false));
        return reply;
    }

    private BackendConnection newConnection(InetSocketAddress backend) {
        return new BackendConnection(ch -> pool.give(backend, ch), Math.min(config.streamRepliesAbove(), config.maxBodyBytes()),
                budget, config.maxBodyBytes());
    }

    private void connectAndSend(InetSocketAddress backend, FullHttpRequest request, CompletableFuture<BackendReply> reply,
                                Duration deadline, EventLoop loop) {
        BackendConnection connection = newConnection(backend);
        ChannelFuture connect = connect(backend, connection, deadline, loop);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                connection.send(connect.channel(), request, reply, null);
            } else {
                request.release();
                reply.completeExceptionally(f.cause());
            }
        });
    }

    /** A new connection on {@code loop}: the device's own, so that the two talk without crossing threads. */
    private ChannelFuture connect(InetSocketAddress backend, BackendConnection connection, Duration deadline, EventLoop loop) {
        ChannelFuture connect = new Bootstrap().group(loop).channel(netty.socketChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(config.connectTimeout().toMillis(), deadline.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(connection.byteWatch,
                                new IdleStateHandler(0, 0, Math.max(1, config.backendKeepAlive().toMillis()), TimeUnit.MILLISECONDS),
                                new HttpClientCodec(config.maxHeaderBytes(), config.maxHeaderBytes(), 65536), connection);
                    }
                }).connect(backend);
        pool.track(backend, connect.channel());
        return connect;
    }

    @Override
    public void close() {
        if (resolver != null) {
            resolver.close();
        }
        pool.close();
    }
}
