package org.understudy.core;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.understudy.api.NettyTransport;

/**
 * The threads the runtime owns and lends to plugins: one timer thread, a bounded pool for blocking
 * work and, created on first use, the Netty event loops and the directory watch. All are shut down by
 * {@link #close()}.
 *
 * <p>The event loops use Linux's native epoll where Netty ships it for the platform (x86_64, aarch64):
 * it batches datagram reads and writes (recvmmsg/sendmmsg) that NIO does one system call at a time.
 * Elsewhere (a 32-bit ARM Pi) they use NIO. The choice is made once, from construction on a blocking thread;
 * what needs it first waits for it.
 */
final class SharedThreads implements NettyTransport, AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SharedThreads.class);

    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor blocking;
    private final java.util.function.IntSupplier eventLoopThreads;
    /** Which transport the event loops use; probed on a blocking thread (loading Netty's native code takes ~0.1 s at start). */
    private final CompletableFuture<Transport> transport;
    private volatile EventLoopGroup eventLoops;
    private DirectoryWatch directoryWatch;

    /** @param eventLoopThreads read when the event loops are first needed; 0 = one per core */
    SharedThreads(int blockingThreads, java.util.function.IntSupplier eventLoopThreads) {
        this(blockingThreads, eventLoopThreads, true);
    }

    /** @param nativeTransport false forces NIO even where epoll is available */
    SharedThreads(int blockingThreads, java.util.function.IntSupplier eventLoopThreads, boolean nativeTransport) {
        this.timer = new ScheduledThreadPoolExecutor(1, named("understudy-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.blocking = new ThreadPoolExecutor(blockingThreads, blockingThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), named("understudy-blocking"));
        this.blocking.allowCoreThreadTimeOut(true);
        this.eventLoopThreads = eventLoopThreads;
        this.transport = nativeTransport ? CompletableFuture.supplyAsync(SharedThreads::probeTransport, blocking)
                : CompletableFuture.completedFuture(new Transport(false, "NIO (native transport disabled)"));
    }

    /** The event loops' transport and why it was chosen (for the status report). */
    private record Transport(boolean epoll, String reason) {}

    private static Transport probeTransport() {
        try {
            return epollAvailable() ? new Transport(true, "native epoll")
                    : new Transport(false, "NIO (native epoll unavailable: " + epollUnavailability() + ")");
        } catch (RuntimeException e) {
            return new Transport(false, "NIO (native epoll unavailable: " + e + ")");
        }
    }

    private boolean epoll() {
        return transport.join().epoll();
    }

    ScheduledThreadPoolExecutor timer() {
        return timer;
    }

    ThreadPoolExecutor blocking() {
        return blocking;
    }

    /** The plugins' directory watch: its thread starts with the first directory watched. */
    synchronized DirectoryWatch directoryWatch() {
        if (directoryWatch == null) {
            directoryWatch = new DirectoryWatch(timer, "understudy-watch");
        }
        return directoryWatch;
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
                    IoHandlerFactory io = epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
                    group = new MultiThreadIoEventLoopGroup(n, named("understudy-netty"), io);
                    eventLoops = group;
                    LOG.info("{} event loops on {}", n, transport());
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
        return epoll() ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    @Override
    public Class<? extends ServerSocketChannel> serverChannelType() {
        return epoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    @Override
    public Class<? extends SocketChannel> socketChannelType() {
        return epoll() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    @Override
    public boolean nativeTransport() {
        return epoll();
    }

    /** Which transport the event loops use and why, for the status report. */
    String transport() {
        return transport.join().reason();
    }

    private static boolean epollAvailable() {
        try {
            return Epoll.isAvailable();
        } catch (LinkageError noClasses) {
            return false;
        }
    }

    private static String epollUnavailability() {
        try {
            Throwable cause = Epoll.unavailabilityCause();
            return cause == null ? "unknown" : String.valueOf(cause.getMessage());
        } catch (LinkageError noClasses) {
            return "the epoll classes are not installed";
        }
    }

    @Override
    public void close() {
        DirectoryWatch watch;
        synchronized (this) {
            watch = directoryWatch;
        }
        if (watch != null) {
            watch.close();
        }
        timer.shutdownNow();
        blocking.shutdownNow();
        // the probe may have been dropped unrun: nothing may wait for it for ever
        transport.complete(new Transport(false, "NIO (closed before native epoll was probed)"));
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
