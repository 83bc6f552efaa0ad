package org.understudy.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A backend reply too large to hold: its head, then its body relayed to the device as it arrives, with
 * backpressure (the backend is not read while the device's socket is full). Everything but
 * {@link #relayTo} and {@link #abort} runs on the backend connection's event loop.
 */
final class ReplyStream {

    final HttpResponse head;
    private final Channel backend;
    private final Consumer<Boolean> finished;
    private final ArrayDeque<HttpContent> pending = new ArrayDeque<>();
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private Channel device;
    private long bytes;

    /** @param finished told, on the backend's loop, whether the whole body went through (the connection may be reused) */
    ReplyStream(HttpResponse head, Channel backend, Consumer<Boolean> finished) {
        this.head = head;
        this.backend = backend;
        this.finished = finished;
    }

    /** Completes with the body's length once the last byte was written to the device; fails if either side broke off. */
    CompletableFuture<Long> done() {
        return done;
    }

    /** Starts the relay to {@code device} once the head has been written there (any thread). */
    CompletableFuture<Long> relayTo(Channel device) {
        backend.eventLoop().execute(() -> {
            if (done.isDone()) {
                device.close();
                return;
            }
            this.device = device;
            device.closeFuture().addListener(f -> backend.eventLoop().execute(() -> fail(new IOException("the device went away"))));
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
        bytes += content.content().readableBytes();
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
            written.addListener(f -> {
                if (f.isSuccess() && done.complete(bytes)) {
                    finished.accept(true);
                }
            });
        } else if (!device.isWritable()) {
            backend.config().setAutoRead(false);
            written.addListener(f -> backend.config().setAutoRead(true));
        }
    }

    /** The backend connection or the device broke off: the other side is closed too. */
    void fail(Throwable cause) {
        if (!done.completeExceptionally(cause)) {
            return;
        }
        for (HttpContent c; (c = pending.poll()) != null;) {
            c.release();
        }
        if (device != null) {
            device.close();
        }
        finished.accept(false);
    }
}
