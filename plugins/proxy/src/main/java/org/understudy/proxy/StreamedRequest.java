package org.understudy.proxy;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * A request going to a backend while its body is still arriving from the device: the parts written
 * before the connection is up wait, in order, and go out once it is. Thread-safe; parts are written by
 * the device's event loop, the connection comes up on the backend's.
 */
final class StreamedRequest {

    private final CompletableFuture<BackendReply> reply;
    private final ArrayDeque<HttpObject> waiting = new ArrayDeque<>();
    private Channel channel;
    private boolean abandoned;

    StreamedRequest(CompletableFuture<BackendReply> reply) {
        this.reply = reply;
        reply.whenComplete((r, t) -> {
            if (t != null) {
                abandon();
            }
        });
    }

    /** The backend's reply: whole or streaming; fails when the connection, the send or the deadline fails. */
    CompletableFuture<BackendReply> reply() {
        return reply;
    }

    /** Sends the next part of the request (this takes ownership of it). */
    void write(HttpObject part) {
        Channel ready;
        synchronized (this) {
            if (abandoned) {
                ReferenceCountUtil.release(part);
                return;
            }
            if (channel == null) {
                waiting.add(part);
                return;
            }
            ready = channel;
        }
        ready.writeAndFlush(part);
    }

    /** The connection is up (on its event loop): what waited goes out first, in order. */
    synchronized void connected(Channel ch) {
        if (abandoned) {
            ch.close();
            return;
        }
        for (HttpObject part; (part = waiting.poll()) != null;) {
            ch.write(part);
        }
        ch.flush();
        channel = ch;
    }

    /**
     * Nobody will use this exchange (the device went away, its request was refused, the backend failed):
     * what waits is released, the connection closed, the reply failed (a reply already there is discarded).
     */
    void abandon() {
        Channel open;
        synchronized (this) {
            if (abandoned) {
                return;
            }
            abandoned = true;
            for (HttpObject part; (part = waiting.poll()) != null;) {
                ReferenceCountUtil.release(part);
            }
            open = channel;
        }
        if (open != null) {
            open.close();
        }
        if (!reply.completeExceptionally(new java.io.IOException("the exchange was abandoned"))) {
            reply.thenAccept(BackendReply::discard);
        }
    }
}
