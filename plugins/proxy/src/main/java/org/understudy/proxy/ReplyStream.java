package org.understudy.proxy;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A backend reply too large to hold: its head, then its body relayed to the device as it arrives, with
 * backpressure (the backend is not read while the device's socket is full). A body up to
 * {@code keepUpTo} bytes is also kept for the flow, as long as the shared {@link BodyBudget} allows;
 * beyond either, the flow gets its length only. Everything but {@link #relayTo} and {@link #abort} runs on
 * the backend connection's event loop.
 */
final class ReplyStream {

    final HttpResponse head;
    private final Channel backend;
    private final Consumer<Boolean> finished;
    private final ArrayDeque<HttpContent> pending = new ArrayDeque<>();
    private final CompletableFuture<Relayed> done = new CompletableFuture<>();
    private final BodyBudget budget;
    private final long keepUpTo;
    private CompositeByteBuf kept;
    private Channel device;
    private long bytes;

    /** What went through: the body's length, and the body itself when it was kept ({@code null} otherwise). */
    record Relayed(long length, byte[] body) {}

    /** @param finished told, on the backend's loop, whether the whole body went through (the connection may be reused) */
    ReplyStream(HttpResponse head, Channel backend, BodyBudget budget, long keepUpTo, Consumer<Boolean> finished) {
        this.head = head;
        this.backend = backend;
        this.budget = budget;
        this.keepUpTo = keepUpTo;
        this.finished = finished;
        this.kept = HttpUtil.getContentLength(head, 0L) <= keepUpTo ? backend.alloc().compositeBuffer(Integer.MAX_VALUE) : null;
    }

    /** Completes once the last byte was written to the device; fails if either side broke off. */
    CompletableFuture<Relayed> done() {
        return done;
    }

    /** Starts the relay to {@code device} once the head has been written there (any thread). */
    CompletableFuture<Relayed> relayTo(Channel device) {
        backend.eventLoop().execute(() -> {
            if (done.isDone()) {
                device.close();
                return;
            }
            this.device = device;
            io.netty.util.concurrent.GenericFutureListener<io.netty.util.concurrent.Future<Void>> gone =
                    f -> backend.eventLoop().execute(() -> fail(new IOException("the device went away")));
            device.closeFuture().addListener(gone);
            // a kept-alive device connection may carry many streams: each listener goes with its stream
            done.whenComplete((r, t) -> device.closeFuture().removeListener(gone));
            for (HttpContent c; (c = pending.poll()) != null;) {
                write(c);
            }
            backend.config().setAutoRead(true);
        });
        return done;
    }

    /** Nobody will take this body: the backend connection is closed. */
    void abort() {
        backend.eventLoop().execute(() -> fail(new IOException("the reply was not relayed")));
    }

    void add(HttpContent content) {
        if (done.isDone()) { // failed or aborted: nobody takes it any more
            content.release();
            return;
        }
        int n = content.content().readableBytes();
        bytes += n;
        if (kept != null) {
            if (bytes <= keepUpTo && budget.take(n)) {
                kept.addComponent(true, content.content().retainedDuplicate());
            } else {
                dropKept(); // too large, or memory is short: the flow gets the length only
            }
        }
        if (device == null) {
            pending.add(content);
            backend.config().setAutoRead(false); // nothing more until someone takes it
        } else {
            write(content);
        }
    }

    private void write(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        ChannelFuture written = device.writeAndFlush(content);
        if (last) {
            // the write completes on the device's loop; what this stream holds is touched on the backend's only
            written.addListener(f -> backend.eventLoop().execute(() -> {
                byte[] body = kept == null ? null : ByteBufUtil.getBytes(kept);
                dropKept();
                if (f.isSuccess() && done.complete(new Relayed(bytes, body))) {
                    finished.accept(true);
                }
            }));
        } else if (!device.isWritable()) {
            backend.config().setAutoRead(false);
            written.addListener(f -> backend.config().setAutoRead(true));
        }
    }

    private void dropKept() {
        if (kept != null) {
            budget.give(kept.readableBytes());
            kept.release();
            kept = null;
        }
    }

    /** The backend connection or the device broke off: the other side is closed too. */
    void fail(Throwable cause) {
        if (!done.completeExceptionally(cause)) {
            return;
        }
        dropKept();
        for (HttpContent c; (c = pending.poll()) != null;) {
            c.release();
        }
        if (device != null) {
            device.close();
        }
        finished.accept(false);
    }
}
