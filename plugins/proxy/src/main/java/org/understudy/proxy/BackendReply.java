package org.understudy.proxy;

import io.netty.handler.codec.http.FullHttpResponse;

/** A backend's reply: whole (the caller releases it), or a head with a body still streaming in. */
sealed interface BackendReply {

    /** A reply up to {@code streamRepliesAbove} bytes, complete. */
    record Whole(FullHttpResponse response) implements BackendReply {
        /** The reply as a value; the response's buffer is released. */
        org.understudy.api.spi.HttpReply take() {
            try {
                return Replies.fromNetty(response);
            } finally {
                response.release();
            }
        }
    }

    /** A larger reply: relay it with {@link ReplyStream#relayTo}, or {@link ReplyStream#abort} it. */
    record Streamed(ReplyStream stream) implements BackendReply {}

    /** Frees what the reply holds when nobody will use it. */
    default void discard() {
        if (this instanceof Whole w) {
            w.response().release();
        } else if (this instanceof Streamed s) {
            s.stream().abort();
        }
    }
}
