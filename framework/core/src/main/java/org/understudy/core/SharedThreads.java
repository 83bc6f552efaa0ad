package org.understudy.core;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.understudy.api.NettyTransport;

/**
 * The threads the runtime owns and lends to plugins: one timer thread, a bounded pool for blocking
 * work and, created on first use, the Netty event loops. All are shut down by {@link #close()}.
 */
final class SharedThreads implements NettyTransport, AutoCloseable {

    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor blocking;
    private final java.util.function.IntSupplier eventLoopThreads;
    private volatile EventLoopGroup eventLoops;

    /** @param eventLoopThreads read when the event loops are first needed; 0 = one per core */
    SharedThreads(int blockingThreads, java.util.function.IntSupplier eventLoopThreads) {
        this.timer = new ScheduledThreadPoolExecutor(1, named("understudy-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.blocking = new ThreadPoolExecutor(blockingThreads, blockingThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), named("understudy-blocking"));
        this.blocking.allowCoreThreadTimeOut(true);
        this.eventLoopThreads = eventLoopThreads;
    }

    ScheduledThreadPoolExecutor timer() {
        return timer;
    }

    ThreadPoolExecutor blocking() {
        return blocking;
    }

    void resizeBlocking(int threads) {
        if (threads > blocking.getMaximumPoolSize()) {
            blocking.setMaximumPoolSize(threads);
            blocking.setCorePoolSize(threads);
        } else {
            blocking.setCorePoolSize(threads);
            blocking.setMaximumPoolSize(threads);
        }
    }

    @Override
    public EventLoopGroup eventLoops() {
        EventLoopGroup group = eventLoops;
        if (group == null) {
            synchronized (this) {
                group = eventLoops;
                if (group == null) {
                    int configured = eventLoopThreads.getAsInt();
                    int n = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
                    group = new NioEventLoopGroup(n, named("understudy-netty"));
                    eventLoops = group;
                }
            }
        }
        return group;
    }

    /**
     * Makes ports of channels just closed on the event loops free again. The JDK releases a socket that
     * is registered with a selector only at that selector's next select after the key is cancelled, and
     * Netty completes a close before it even cancels the key (the deregistration is queued behind the
     * close). So per loop: one round trip, which runs after every deregistration queued so far; then a
     * task scheduled from outside, which a Netty loop picks up only at the start of a later iteration,
     * and every iteration starts with a select.
     */
    void settleEventLoops() {
        EventLoopGroup group = eventLoops;
        if (group == null) {
            return;
        }
        for (io.netty.util.concurrent.EventExecutor loop : group) {
            if (loop.submit(() -> { }).awaitUninterruptibly(1, TimeUnit.SECONDS)) {
                loop.schedule(() -> { }, 1, TimeUnit.MILLISECONDS).awaitUninterruptibly(1, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public Class<? extends DatagramChannel> datagramChannelType() {
        return NioDatagramChannel.class;
    }

    @Override
    public Class<? extends ServerSocketChannel> serverChannelType() {
        return NioServerSocketChannel.class;
    }

    @Override
    public Class<? extends SocketChannel> socketChannelType() {
        return NioSocketChannel.class;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        blocking.shutdownNow();
        EventLoopGroup group = eventLoops;
        if (group != null) {
            group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
            blocking.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
