package org.understudy.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import org.understudy.api.ProfileDirectory;
import org.understudy.api.spi.DeviceProfile;
import org.understudy.api.spi.HttpInterceptor;

/**
 * Sits before the aggregator and sends a large request on to its backend while it arrives: a body
 * declared above {@code streamRequestsAbove} bytes (or of unknown length) for a host a profile claims
 * starts its backend exchange at the head, and each part goes out as it comes. The aggregator still
 * collects the whole request for the profile and the store; the reply waits for both. One instance per
 * connection, on its event loop.
 */
final class RequestTap extends ChannelInboundHandlerAdapter {

    private final ProfileDirectory profiles;
    private final Forwarding forwarding;
    private final long streamAbove;
    private final long maxBodyBytes;
    private StreamedRequest inFlight;
    private long sent;

    RequestTap(ProfileDirectory profiles, Forwarding forwarding, long streamAbove, long maxBodyBytes) {
        this.profiles = profiles;
        this.forwarding = forwarding;
        this.streamAbove = streamAbove;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The exchange started for the request just completed, if any; the caller owns it from now on. */
    StreamedRequest take() {
        StreamedRequest s = inFlight;
        inFlight = null;
        return s;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest head) {
            abandon(); // a previous request that never completed
            sent = 0;
            long length = head.decoderResult().isFailure() ? 0 : HttpUtil.getContentLength(head, -1L);
            boolean large = HttpUtil.isTransferEncodingChunked(head) ? length < 0 : length > streamAbove;
            if (large && length <= maxBodyBytes && head.decoderResult().isSuccess()) {
                String host = DeviceHandler.hostOf(head);
                DeviceProfile<?> profile = host.isEmpty() ? null : profiles.interceptorOf(host).orElse(null);
                HttpInterceptor interceptor = profile == null ? null : profile.httpInterceptor().orElse(null);
                org.understudy.api.spi.HttpRequest known = interceptor == null ? null : headOnly(ctx, head, host);
                if (known != null && interceptor.forwards(known)) {
                    inFlight = forwarding.startForward(head, host, interceptor.replyDeadline(known), ctx.channel().eventLoop());
                }
            }
        }
        if (msg instanceof HttpContent part && inFlight != null) {
            sent += part.content().readableBytes();
            if (sent > maxBodyBytes || part.decoderResult().isFailure()) {
                abandon(); // the aggregator refuses it: the backend must not get half of it
            } else {
                inFlight.write(part.retainedDuplicate());
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The request as known at its head (no body yet), for the profile to say whether it goes to the backend. */
    private static org.understudy.api.spi.HttpRequest headOnly(ChannelHandlerContext ctx, HttpRequest head, String host) {
        java.util.List<java.util.Map.Entry<String, String>> headers = new java.util.ArrayList<>();
        head.headers().forEach(h -> headers.add(java.util.Map.entry(h.getKey(), h.getValue())));
        return new org.understudy.api.spi.HttpRequest((java.net.InetSocketAddress) ctx.channel().remoteAddress(),
                java.time.Instant.now(), head.method().name(), head.uri(), host, headers, new byte[0]);
    }

    private void abandon() {
        if (inFlight != null) {
            inFlight.abandon();
            inFlight = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        abandon();
        super.channelInactive(ctx);
    }
}
