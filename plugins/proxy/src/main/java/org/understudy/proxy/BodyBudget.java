package org.understudy.proxy;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import org.understudy.api.spi.HttpReply;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The body bytes all connections may hold in memory at once ({@code maxBufferedBodyBytes}): device
 * requests, and the copies kept of large relayed replies.
 * A request body is held whole (the profile observes it and it is stored before the reply), so many
 * large uploads at once could exhaust the heap; past the budget a request is answered 503 with
 * Retry-After and its connection closed. Thread-safe.
 */
final class BodyBudget {

    private final AtomicLong available;
    private final long total;
    private final long maxBodyBytes;
    final LongAdder refused = new LongAdder();

    /** @param maxBodyBytes larger bodies are not counted: the aggregator answers them 413 and drops them */
    BodyBudget(long bytes, long maxBodyBytes) {
        this.available = new AtomicLong(bytes);
        this.total = bytes;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Body bytes held right now, for the status. */
    long held() {
        return total - available.get();
    }

    /** Takes {@code bytes} from the budget if that many are left. */
    boolean take(long bytes) {
        for (long now = available.get(); ; now = available.get()) {
            if (now < bytes) {
                return false;
            }
            if (available.compareAndSet(now, now - bytes)) {
                return true;
            }
        }
    }

    /** Gives back what {@link #take} took. */
    void give(long bytes) {
        available.addAndGet(bytes);
    }

    /** A new guard for one connection; it sits before the aggregator. */
    Guard guard() {
        return new Guard();
    }

    /**
     * Counts one connection's request body against the budget: the declared Content-Length at the head,
     * or each chunk as it comes. What it took is given back by {@link #release} once the request is answered.
     */
    final class Guard extends ChannelInboundHandlerAdapter {
        private long held;
        private boolean countChunks;
        private boolean refusing;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (refusing) {
                ReferenceCountUtil.release(msg);
                return;
            }
            long bytes = 0;
            if (msg instanceof HttpRequest head) {
                release(); // requests are taken one at a time: a previous one is over (even one refused 413)
                countChunks = HttpUtil.isTransferEncodingChunked(head);
                // a malformed head (an unreadable Content-Length, say) is answered 400 further on: nothing to count
                bytes = countChunks || head.decoderResult().isFailure() ? 0 : Math.max(0, HttpUtil.getContentLength(head, 0L));
            }
            if (msg instanceof HttpContent chunk && countChunks) {
                bytes += chunk.content().readableBytes(); // no declared length: counted as it arrives
            }
            if (held + bytes > maxBodyBytes) {
                bytes = 0;
            }
            if (bytes > 0 && !take(bytes)) {
                refusing = true;
                refused.increment();
                ReferenceCountUtil.release(msg);
                HttpReply busy = Replies.plain(503, "too many large requests at once; retry shortly",
                        java.util.List.of(java.util.Map.entry("Retry-After", "5")));
                // a plain reply is one full response: framing, Date and Connection: close from Replies
                ctx.writeAndFlush(Replies.toNetty(busy, true, false).get(0)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            held += bytes;
            ctx.fireChannelRead(msg);
        }

        /** The request was answered: its bytes go back to the budget. Call on the connection's event loop. */
        void release() {
            give(held);
            held = 0;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            release();
            super.channelInactive(ctx);
        }
    }
}
