package org.understudy.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import java.util.List;

/**
 * Netty's request decoder, plus a reading of the chunk sizes a chunked body announces as they arrive: a chunk
 * (or a body) announced larger than {@code maxBodyBytes} is refused with 413 at once and the connection
 * closed, instead of being received up to the limit first. The decoder itself does not expose the sizes, so
 * the framing is followed on the bytes as they pass, each byte once, by absolute stream position.
 */
final class DeviceRequestDecoder extends HttpRequestDecoder {

    private final long maxBodyBytes;
    private final ChunkFraming framing = new ChunkFraming();
    /** Stream position of the cumulation's reader index: every byte the decoder consumed so far. */
    private long consumed;
    /** Stream position up to which the framing has read. */
    private long scanned;
    private boolean refused;

    DeviceRequestDecoder(int maxHeaderBytes, long maxBodyBytes) {
        super(new HttpDecoderConfig().setMaxInitialLineLength(maxHeaderBytes).setMaxHeaderSize(maxHeaderBytes)
                .setMaxChunkSize(65536));
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (refused) {
            buffer.skipBytes(buffer.readableBytes());
            return;
        }
        if (framing.active()) {
            int start = buffer.readerIndex() + (int) Math.max(0, scanned - consumed);
            if (start < buffer.writerIndex()) {
                boolean tooLarge = framing.read(buffer, start, buffer.writerIndex(), maxBodyBytes);
                scanned = consumed + (buffer.writerIndex() - buffer.readerIndex());
                if (tooLarge) {
                    refuse(ctx, buffer);
                    return;
                }
            }
        }
        int before = buffer.readerIndex();
        int decoded = out.size();
        super.decode(ctx, buffer, out);
        consumed += buffer.readerIndex() - before;
        for (int i = decoded; i < out.size(); i++) {
            if (out.get(i) instanceof HttpRequest head && head.decoderResult().isSuccess()
                    && HttpUtil.isTransferEncodingChunked(head)) {
                framing.start(); // the decoder returns right after a chunked head: the body starts here
                scanned = consumed;
            }
        }
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf buffer) {
        refused = true;
        buffer.skipBytes(buffer.readableBytes());
        var reply = Replies.toNetty(Replies.plain(413, "a chunk larger than " + maxBodyBytes + " bytes is announced"), true, false);
        ctx.channel().writeAndFlush(reply.get(0)).addListener(ChannelFutureListener.CLOSE);
    }

    /** The chunked framing of one body (RFC 9112 7.1), followed byte by byte: sizes, data, trailer. */
    static final class ChunkFraming {
        private enum State { OFF, SIZE, EXTENSION, DATA, DATA_END, TRAILER_START, TRAILER_LINE, TRAILER_END }

        private State state = State.OFF;
        private long size;
        private long remaining;
        private long total;

        boolean active() {
            return state != State.OFF;
        }

        void start() {
            state = State.SIZE;
            size = 0;
            total = 0;
        }

        /**
         * Reads {@code [from, to)} of {@code buf} (not moving its indexes).
         *
         * @return true when a chunk, or the body so far, is announced larger than {@code max}
         */
        boolean read(ByteBuf buf, int from, int to, long max) {
            for (int i = from; i < to && state != State.OFF; i++) {
                byte b = buf.getByte(i);
                switch (state) {
                    case SIZE -> {
                        int digit = Character.digit(b, 16);
                        if (digit >= 0) {
                            size = size * 16 + digit;
                            if (size > max || total + size > max) {
                                return true;
                            }
                        } else if (b == '\n') {
                            endOfSizeLine();
                        } else {
                            state = State.EXTENSION; // ';' extensions, whitespace, CR; malformed ones are the decoder's to refuse
                        }
                    }
                    case EXTENSION -> {
                        if (b == '\n') {
                            endOfSizeLine();
                        }
                    }
                    case DATA -> {
                        long skip = Math.min(remaining, to - i);
                        remaining -= skip;
                        i += (int) skip - 1;
                        if (remaining == 0) {
                            state = State.DATA_END;
                        }
                    }
                    case DATA_END -> {
                        if (b == '\n') {
                            state = State.SIZE;
                            size = 0;
                        }
                    }
                    case TRAILER_START -> state = b == '\n' ? State.OFF : b == '\r' ? State.TRAILER_END : State.TRAILER_LINE;
                    case TRAILER_LINE -> {
                        if (b == '\n') {
                            state = State.TRAILER_START;
                        }
                    }
                    case TRAILER_END -> state = State.OFF;
                    default -> {
                    }
                }
            }
            return false;
        }

        private void endOfSizeLine() {
            if (size == 0) {
                state = State.TRAILER_START;
            } else {
                total += size;
                remaining = size;
                state = State.DATA;
            }
        }
    }
}
