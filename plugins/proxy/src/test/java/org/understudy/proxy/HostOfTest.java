package org.understudy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** How a request's Host header becomes the name profiles are asked about. */
class HostOfTest {

    private static String hostOf(String header) {
        DefaultHttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        if (header != null) {
            r.headers().set("Host", header);
        }
        return DeviceHandler.hostOf(r);
    }

    @Test
    void thePortGoesTheNameIsNormalised() {
        assertEquals("bskybackend.bloomsky.com", hostOf("BSKYbackend.bloomsky.com:80"));
        assertEquals("bskybackend.bloomsky.com", hostOf("bskybackend.bloomsky.com."));
        assertEquals("[::1]", hostOf("[::1]:8080"));
        assertEquals("[::1]", hostOf("[::1]"));
        assertEquals("host:", hostOf("host:"), "no port after the colon: left as it is, and claimed by no profile");
        assertEquals("a.b:x1", hostOf("a.b:x1"));
        assertEquals("", hostOf(null));
    }
}
