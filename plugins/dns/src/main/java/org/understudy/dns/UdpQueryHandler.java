package org.understudy.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives UDP queries. Answers produced while reading (local answers, cache hits) are written and
 * flushed once per read batch; answers that come later (upstream) are flushed on their own.
 */
@ChannelHandler.Sharable
final class UdpQueryHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger LOG = LoggerFactory.getLogger(UdpQueryHandler.class);

    private final QueryProcessor processor;
    private final QueryLog log;

    UdpQueryHandler(QueryProcessor processor, QueryLog log) {
        this.processor = processor;
        this.log = log;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        byte[] query = new byte[packet.content().readableBytes()];
        packet.content().readBytes(query);
        Answer answer = new Answer(ctx, packet.sender());
        try {
            processor.process(query, packet.sender(), packet.recipient().getAddress(), false, answer);
        } catch (RuntimeException e) {
            log.dropped();
            LOG.warn("query from {} could not be handled: {}", packet.sender(), e.toString());
        } finally {
            answer.reading = false;
        }
    }

    /**
     * Sends one query's answer. Answers given while the read is still on the stack are flushed once per read
     * batch; any later answer (from upstream, even on this same thread) flushes itself. A class, not a lambda: the
     * quick compiler (the default) creates a capturing lambda through a method handle, for every query.
     */
    private static final class Answer implements QueryProcessor.Reply {
        private final ChannelHandlerContext ctx;
        private final java.net.InetSocketAddress client;
        // read on other threads only together with inEventLoop(), which is then false: no need to be volatile
        private boolean reading = true;

        Answer(ChannelHandlerContext ctx, java.net.InetSocketAddress client) {
            this.ctx = ctx;
            this.client = client;
        }

        @Override
        public void send(byte[] response) {
            // a pooled direct buffer: a heap one would be copied into a freshly allocated (and zeroed)
            // direct buffer by the native transport for every answer
            ByteBuf content = ctx.alloc().directBuffer(response.length).writeBytes(response);
            DatagramPacket out = new DatagramPacket(content, client);
            if (reading && ctx.executor().inEventLoop()) {
                ctx.write(out, ctx.voidPromise());
            } else {
                ctx.writeAndFlush(out, ctx.voidPromise());
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a UDP socket error concerns one datagram (ICMP unreachable from a client that went away)
        log.dropped();
    }
}
