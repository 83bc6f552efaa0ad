package org.understudy.profile.kasa;

import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.understudy.api.NettyTransport;

/**
 * Makes the {@link PlugConnection}s of the plugs, all with the same limits, all closed with the plugin. Thread-safe.
 */
final class KasaClient {

    /** A request a plug did not answer properly. */
    static final class PlugException extends IOException {
        private static final long serialVersionUID = 1L;

        PlugException(String message) {
            super(message);
        }
    }

    private final NettyTransport netty;
    private final ChannelGroup open;
    private final Duration timeout;
    private final Duration keepConnection;
    private final int maxReplyBytes;

    /**
     * @param open every connection is in it while it lives, so that stopping the plugin closes them all
     * @param keepConnection how long a connection is kept without a request (zero: closed after each reply)
     */
    KasaClient(NettyTransport netty, ChannelGroup open, Duration timeout, Duration keepConnection, int maxReplyBytes) {
        this.netty = netty;
        this.open = open;
        this.timeout = timeout;
        this.keepConnection = keepConnection;
        this.maxReplyBytes = maxReplyBytes;
    }

    /** A plug's connection, whose requests and replies run on {@code loop}. */
    PlugConnection connectionOn(EventLoop loop) {
        return new PlugConnection(netty, loop, open, timeout, keepConnection, maxReplyBytes);
    }

    static String describe(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}
