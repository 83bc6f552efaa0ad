package org.understudy.proxy;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.understudy.api.spi.HttpReply;

/**
 * Replies for devices. Framing is always computed from the body actually sent (Content-Length, or one
 * chunk whose size the codec writes), a built reply gets a fresh Date, lines end in CRLF (the codec).
 */
final class Replies {

    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "connection", "keep-alive");

    private Replies() {
    }

    static HttpReply plain(int status, String text) {
        return plain(status, text, List.of());
    }

    /** A short text reply of the proxy's own, with {@code extra} headers (Retry-After, say). */
    static HttpReply plain(int status, String text, List<Map.Entry<String, String>> extra) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(1 + extra.size());
        headers.add(Map.entry("Content-Type", "text/plain; charset=utf-8"));
        headers.addAll(extra);
        return new HttpReply(status, headers, (text + "\n").getBytes(StandardCharsets.UTF_8), false);
    }

    static HttpReply fromNetty(FullHttpResponse r) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        r.headers().forEach(h -> headers.add(new AbstractMap.SimpleImmutableEntry<>(h.getKey(), h.getValue())));
        boolean chunked = r.headers().contains(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true);
        return new HttpReply(r.status().code(), headers, ByteBufUtil.getBytes(r.content()), chunked);
    }

    /** A streamed reply's head as the profile and the flow see it: status and headers, the body still to come. */
    static HttpReply headOf(io.netty.handler.codec.http.HttpResponse head) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        head.headers().forEach(h -> headers.add(new AbstractMap.SimpleImmutableEntry<>(h.getKey(), h.getValue())));
        return new HttpReply(head.status().code(), headers, new byte[0], HttpUtil.isTransferEncodingChunked(head));
    }

    /**
     * The head for relaying a streamed reply: the backend's headers and framing (its Content-Length, or
     * chunked when it had none: the codec then frames each relayed part), our own Connection header.
     */
    static DefaultHttpResponse streamHead(io.netty.handler.codec.http.HttpResponse backend, boolean keepAlive) {
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, backend.status());
        for (Map.Entry<String, String> h : backend.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("connection") && !name.equals("keep-alive")) {
                head.headers().add(h.getKey(), h.getValue());
            }
        }
        if (!HttpUtil.isContentLengthSet(head) && !HttpUtil.isTransferEncodingChunked(head)) {
            HttpUtil.setTransferEncodingChunked(head, true);
        }
        if (!head.headers().contains(HttpHeaderNames.DATE)) { // as for whole replies: devices may rely on it
            head.headers().set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
        }
        connection(head.headers(), keepAlive);
        return head;
    }

    /** The messages to write for {@code reply}: one full response, or head + one chunk + last chunk. */
    static List<Object> toNetty(HttpReply reply, boolean built, boolean keepAlive) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(reply.status());
        List<Object> out = new ArrayList<>(3);
        if (reply.chunked()) {
            DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
            copyHeaders(reply, head.headers(), built);
            head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            connection(head.headers(), keepAlive);
            out.add(head);
            if (reply.body().length > 0) {
                out.add(new DefaultHttpContent(Unpooled.wrappedBuffer(reply.body())));
            }
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        } else {
            DefaultFullHttpResponse full = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(reply.body()));
            copyHeaders(reply, full.headers(), built);
            full.headers().set(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
            connection(full.headers(), keepAlive);
            out.add(full);
        }
        return out;
    }

    private static void copyHeaders(HttpReply reply, io.netty.handler.codec.http.HttpHeaders target, boolean built) {
        for (Map.Entry<String, String> h : reply.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (FRAMING.contains(name) || built && name.equals("date")) {
                continue;
            }
            target.add(h.getKey(), h.getValue());
        }
        if (built || !target.contains(HttpHeaderNames.DATE)) {
            target.set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
        }
    }

    private static void connection(io.netty.handler.codec.http.HttpHeaders headers, boolean keepAlive) {
        headers.set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    }
}
