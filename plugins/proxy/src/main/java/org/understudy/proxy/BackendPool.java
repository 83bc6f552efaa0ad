package org.understudy.proxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Idle kept-alive connections per backend address and event loop, most recently used first, at most
 * {@code maxIdlePerBackend} each (0 = nothing is kept). Thread-safe. A connection in the pool is idle:
 * whoever takes it owns it until it gives it back or closes it.
 */
final class BackendPool implements AutoCloseable {

    private final int maxIdlePerBackend;
    /** Kept per backend and per event loop: a device connection takes one that lives on its own loop. */
    private record Key(InetSocketAddress backend, EventLoop loop) {}

    private final Map<Key, Deque<Channel>> idle = new ConcurrentHashMap<>();
    private final ChannelGroup all = new DefaultChannelGroup("backends", ImmediateEventExecutor.INSTANCE);

    BackendPool(int maxIdlePerBackend) {
        this.maxIdlePerBackend = maxIdlePerBackend;
    }

    /** Registers a new connection to {@code backend}, so that it leaves the pool when it closes and is closed with it. */
    void track(InetSocketAddress backend, Channel channel) {
        all.add(channel);
        channel.closeFuture().addListener(f -> {
            Deque<Channel> kept = idle.get(new Key(backend, channel.eventLoop()));
            if (kept != null) {
                kept.remove(channel);
            }
        });
    }

    /** An open idle connection to {@code backend} on {@code loop}, or {@code null}. */
    Channel take(InetSocketAddress backend, EventLoop loop) {
        Deque<Channel> kept = idle.get(new Key(backend, loop));
        for (Channel c; kept != null && (c = kept.pollFirst()) != null;) {
            if (c.isActive()) {
                return c;
            }
        }
        return null;
    }

    /** Keeps a connection whose exchange is over, or closes it when enough are kept already. */
    void give(InetSocketAddress backend, Channel channel) {
        Deque<Channel> kept = idle.computeIfAbsent(new Key(backend, channel.eventLoop()), b -> new ConcurrentLinkedDeque<>());
        // size() walks the deque: fine for the handful kept per backend
        if (kept.size() >= maxIdlePerBackend || !channel.isActive()) {
            channel.close();
        } else {
            kept.offerFirst(channel);
        }
    }

    @Override
    public void close() {
        all.close().awaitUninterruptibly();
        idle.clear();
    }
}
