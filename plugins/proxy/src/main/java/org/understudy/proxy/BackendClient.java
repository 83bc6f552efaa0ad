package org.understudy.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.understudy.api.NettyTransport;

/**
 * Talks to a real backend: resolves its name through the configured resolvers only (Netty's resolver,
 * never the system's, which may be pointed at our own DNS), connects, sends one request and collects the
 * whole reply, everything within a deadline.
 */
final class BackendClient implements AutoCloseable {

    private final NettyTransport netty;
    private final DnsNameResolver resolver;
    private final ProxyConfig config;

    BackendClient(NettyTransport netty, ProxyConfig config) {
        this.netty = netty;
        this.config = config;
        List<InetSocketAddress> servers = config.resolvers().stream().map(r -> Endpoints.parse(r, 53, "resolvers")).toList();
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

    CompletableFuture<InetSocketAddress> resolve(String host) {
        CompletableFuture<InetSocketAddress> out = new CompletableFuture<>();
        if (resolver == null) {
            out.completeExceptionally(new IOException("no resolvers configured"));
            return out;
        }
        resolver.resolve(host).addListener(f -> {
            if (f.isSuccess()) {
                out.complete(new InetSocketAddress((InetAddress) f.getNow(), config.backendPort()));
            } else {
                out.completeExceptionally(new IOException("cannot resolve " + host + ": " + f.cause().getMessage(), f.cause()));
            }
        });
        return out;
    }

    /** Sends {@code request} to {@code backend}; completes with the whole reply, or fails after {@code deadline}. */
    CompletableFuture<FullHttpResponse> exchange(InetSocketAddress backend, FullHttpRequest request, Duration deadline) {
        CompletableFuture<FullHttpResponse> reply = new CompletableFuture<>();
        Bootstrap b = new Bootstrap().group(netty.eventLoops()).channel(netty.socketChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(config.connectTimeout().toMillis(), deadline.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(config.maxHeaderBytes(), config.maxHeaderBytes(), 65536),
                                new HttpObjectAggregator(config.maxBodyBytes()),
                                new SimpleChannelInboundHandler<FullHttpResponse>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                                        reply.complete(response.retainedDuplicate());
                                        ctx.close();
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        reply.completeExceptionally(cause);
                                        ctx.close();
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        reply.completeExceptionally(new IOException("the backend closed the connection without a reply"));
                                    }
                                });
                    }
                });
        ChannelFuture connect = b.connect(backend);
        Channel channel = connect.channel();
        var timeout = channel.eventLoop().schedule(() -> {
            if (reply.completeExceptionally(new TimeoutException("no reply within " + deadline.toMillis() + " ms"))) {
                channel.close();
            }
        }, deadline.toNanos(), TimeUnit.NANOSECONDS);
        reply.whenComplete((r, t) -> timeout.cancel(false));
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                reply.completeExceptionally(f.cause());
                request.release();
            } else {
                channel.writeAndFlush(request);
            }
        });
        return reply;
    }

    @Override
    public void close() {
        if (resolver != null) {
            resolver.close();
        }
    }
}
