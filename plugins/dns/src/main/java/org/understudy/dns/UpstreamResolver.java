package org.understudy.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.understudy.api.Connectivity;
import org.understudy.api.NettyTransport;
import org.understudy.api.UpstreamState;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Forwards questions to the upstream resolvers: UDP with EDNS(0), TCP when the answer is truncated, a
 * timeout per upstream, then the next one. Every reply is checked against the query's ID and question;
 * anything else is ignored. Each upstream has a few connected UDP sockets on random source ports, which
 * also makes the kernel drop datagrams from any other address. Reachability goes to {@link Connectivity}.
 */
final class UpstreamResolver implements AutoCloseable {

    private static final int SOCKETS_PER_UPSTREAM = 4;

    /** A forwarded question that got no usable answer from any upstream. */
    static final class UpstreamFailure extends IOException {
        private static final long serialVersionUID = 1L;

        UpstreamFailure(String message) {
            super(message, null);
        }
    }

    private record Pending(Name name, int type, CompletableFuture<Message> reply) {}

    private final class Upstream {
        final InetSocketAddress address;
        final String key;
        final List<Channel> sockets = new ArrayList<>();
        final ConcurrentHashMap<Integer, Pending> pending = new ConcurrentHashMap<>();

        Upstream(InetSocketAddress address) {
            this.address = address;
            this.key = "dns " + address.getAddress().getHostAddress() + ":" + address.getPort();
        }

        void failAll(String reason) {
            pending.values().forEach(p -> p.reply().completeExceptionally(new UpstreamFailure(reason)));
        }
    }

    private final List<Upstream> upstreams = new ArrayList<>();
    private final NettyTransport netty;
    private final Connectivity connectivity;
    private final Duration perUpstreamTimeout;
    private final int ednsUdpSize;
    private final SecureRandom random = new SecureRandom();
    private volatile int preferred;

    UpstreamResolver(List<InetSocketAddress> addresses, NettyTransport netty, Connectivity connectivity,
                     Duration perUpstreamTimeout, int ednsUdpSize) throws InterruptedException {
        this.netty = netty;
        this.connectivity = connectivity;
        this.perUpstreamTimeout = perUpstreamTimeout;
        this.ednsUdpSize = ednsUdpSize;
        for (InetSocketAddress address : addresses) {
            Upstream u = new Upstream(address);
            for (int i = 0; i < SOCKETS_PER_UPSTREAM; i++) {
                u.sockets.add(new Bootstrap().group(netty.eventLoops()).channel(netty.datagramChannelType())
                        .option(ChannelOption.SO_RCVBUF, 1 << 20)
                        .handler(new ReplyHandler(u)).connect(address).sync().channel());
            }
            upstreams.add(u);
        }
    }

    boolean configured() {
        return !upstreams.isEmpty();
    }

    /** Whether every upstream is known to be unreachable right now. */
    boolean allKnownDown() {
        for (Upstream u : upstreams) {
            if (connectivity.state(u.key).status() != UpstreamState.Status.DOWN) {
                return false;
            }
        }
        return !upstreams.isEmpty();
    }

    /**
     * Resolves {@code name}/{@code type} upstream. Completes with a reply whose rcode is NOERROR or
     * NXDOMAIN, or exceptionally with {@link UpstreamFailure} once every upstream failed, or with a
     * {@link TimeoutException} after {@code budget}.
     */
    CompletableFuture<Message> resolve(String name, int type, Duration budget) {
        CompletableFuture<Message> result = new CompletableFuture<>();
        Name qname;
        try {
            qname = Name.fromString(name.isEmpty() ? "." : name + ".");
        } catch (IOException e) {
            result.completeExceptionally(e);
            return result;
        }
        var timeout = netty.eventLoops().schedule(() -> result.completeExceptionally(
                new TimeoutException("no upstream answered within " + budget.toMillis() + " ms")),
                budget.toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((m, t) -> timeout.cancel(false));
        attempt(qname, type, preferred, 0, result, null);
        return result;
    }

    private void attempt(Name name, int type, int index, int tried, CompletableFuture<Message> result, String lastError) {
        if (result.isDone()) {
            return;
        }
        if (tried >= upstreams.size()) {
            result.completeExceptionally(new UpstreamFailure(lastError == null ? "no upstream configured" : lastError));
            return;
        }
        Upstream u = upstreams.get(index % upstreams.size());
        queryUdp(u, name, type).whenComplete((reply, error) -> {
            if (error == null && (reply.getRcode() == Rcode.NOERROR || reply.getRcode() == Rcode.NXDOMAIN)) {
                connectivity.reportSuccess(u.key);
                preferred = index % upstreams.size();
                result.complete(reply);
                return;
            }
            String reason = error != null ? describe(error) : "answered " + Rcode.string(reply.getRcode());
            if (error != null) {
                connectivity.reportFailure(u.key, reason);
            } else {
                connectivity.reportSuccess(u.key); // it is reachable, it just could not answer this
            }
            attempt(name, type, index + 1, tried + 1, result, u.key + ": " + reason);
        });
    }

    private CompletableFuture<Message> queryUdp(Upstream u, Name name, int type) {
        CompletableFuture<Message> reply = new CompletableFuture<>();
        int id;
        Pending pending = new Pending(name, type, reply);
        do {
            id = random.nextInt(0x10000);
        } while (u.pending.putIfAbsent(id, pending) != null);
        final int queryId = id;
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        query.getHeader().setID(queryId);
        query.addRecord(new OPTRecord(ednsUdpSize, 0, 0), Section.ADDITIONAL);
        byte[] wire = query.toWire();
        Channel socket = u.sockets.get(ThreadLocalRandom.current().nextInt(u.sockets.size()));
        socket.writeAndFlush(Unpooled.wrappedBuffer(wire)).addListener(f -> {
            if (!f.isSuccess()) {
                reply.completeExceptionally(f.cause());
            }
        });
        var timeout = socket.eventLoop().schedule(() -> reply.completeExceptionally(
                new TimeoutException("no answer within " + perUpstreamTimeout.toMillis() + " ms")),
                perUpstreamTimeout.toNanos(), TimeUnit.NANOSECONDS);
        CompletableFuture<Message> answered = new CompletableFuture<>();
        reply.whenComplete((m, t) -> {
            timeout.cancel(false);
            u.pending.remove(queryId, pending);
            if (t != null) {
                answered.completeExceptionally(t);
            } else if (m.getHeader().getFlag(Flags.TC)) {
                queryTcp(u, wire, queryId, name, type).whenComplete((tm, tt) -> {
                    if (tt != null) {
                        answered.completeExceptionally(tt);
                    } else {
                        answered.complete(tm);
                    }
                });
            } else {
                answered.complete(m);
            }
        });
        return answered;
    }

    private CompletableFuture<Message> queryTcp(Upstream u, byte[] wire, int id, Name name, int type) {
        CompletableFuture<Message> reply = new CompletableFuture<>();
        Bootstrap b = new Bootstrap().group(netty.eventLoops()).channel(netty.socketChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) perUpstreamTimeout.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(65535, 0, 2, 0, 2),
                                new LengthFieldPrepender(2), new SimpleChannelInboundHandler<ByteBuf>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                                        Message m = parse(frame);
                                        if (m != null && matches(m, id, name, type)) {
                                            reply.complete(m);
                                        }
                                        ctx.close();
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        reply.completeExceptionally(cause);
                                        ctx.close();
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        reply.completeExceptionally(new UpstreamFailure("TCP connection closed without an answer"));
                                    }
                                });
                    }
                });
        b.connect(u.address).addListener(f -> {
            if (!f.isSuccess()) {
                reply.completeExceptionally(f.cause());
                return;
            }
            Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
            ch.writeAndFlush(Unpooled.wrappedBuffer(wire));
            var timeout = ch.eventLoop().schedule(() -> {
                reply.completeExceptionally(new TimeoutException("no TCP answer within " + perUpstreamTimeout.toMillis() + " ms"));
                ch.close();
            }, perUpstreamTimeout.toNanos(), TimeUnit.NANOSECONDS);
            reply.whenComplete((m, t) -> timeout.cancel(false));
        });
        return reply;
    }

    private final class ReplyHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Upstream upstream;

        ReplyHandler(Upstream upstream) {
            this.upstream = upstream;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            Message m = parse(packet.content());
            if (m == null) {
                return;
            }
            Pending p = upstream.pending.get(m.getHeader().getID());
            if (p != null && matches(m, m.getHeader().getID(), p.name(), p.type())) {
                p.reply().complete(m);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable and the like: the upstream is not there, fail its queries now
            upstream.failAll(describe(cause));
        }
    }

    private static Message parse(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        try {
            return new Message(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean matches(Message m, int id, Name name, int type) {
        Record q = m.getQuestion();
        return m.getHeader().getID() == id && m.getHeader().getFlag(Flags.QR) && q != null
                && q.getName().equals(name) && q.getType() == type && q.getDClass() == DClass.IN;
    }

    static String describe(Throwable t) {
        return org.understudy.api.Errors.describe(t);
    }

    @Override
    public void close() {
        for (Upstream u : upstreams) {
            u.failAll("DNS server stopping");
            u.sockets.forEach(Channel::close);
        }
    }
}
