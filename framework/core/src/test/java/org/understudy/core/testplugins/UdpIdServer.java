package org.understudy.core.testplugins;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.nio.charset.StandardCharsets;
import org.understudy.api.PluginContext;
import org.understudy.api.spi.DnsServer;

/** Answers every UDP datagram with "prefix:id"; releases its socket only through own(). */
abstract class UdpIdServer implements DnsServer<UdpIdConfig> {

    @Override
    public Class<UdpIdConfig> configType() {
        return UdpIdConfig.class;
    }

    @Override
    public UdpIdConfig defaultConfig() {
        return new UdpIdConfig(45353, "id");
    }

    @Override
    public void start(PluginContext<UdpIdConfig> context) throws Exception {
        String reply = context.config().prefix() + ":" + id();
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
    }

    @Override
    public void stop() {
        // deliberately nothing: the runtime must close what was handed to own()
    }
}
