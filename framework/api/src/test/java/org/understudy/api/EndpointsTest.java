package org.understudy.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class EndpointsTest {

    @Test
    void literalsWithAndWithoutPortsInEveryForm() {
        assertEquals(new InetSocketAddress("127.0.0.1", 53), Endpoints.literal("127.0.0.1", 53, "upstreams"));
        assertEquals(new InetSocketAddress("127.0.0.1", 5353), Endpoints.literal(" 127.0.0.1:5353 ", 53, "upstreams"));
        assertEquals(new InetSocketAddress("::1", 53), Endpoints.literal("::1", 53, "upstreams"));
        assertEquals(new InetSocketAddress("2001:db8::1", 53), Endpoints.literal("[2001:db8::1]", 53, "upstreams"));
        assertEquals(new InetSocketAddress("2001:db8::1", 8053), Endpoints.literal("[2001:db8::1]:8053", 53, "upstreams"));
    }

    @Test
    void namesAreLeftUnresolvedAndLiteralsAccepted() {
        InetSocketAddress plug = Endpoints.unresolved("plug-1.lan:9999", 80, "devices");
        assertEquals(true, plug.isUnresolved());
        assertEquals("plug-1.lan", plug.getHostString());
        assertEquals(9999, plug.getPort());
        assertEquals(80, Endpoints.unresolved("camera", 80, "cameras").getPort());
        assertEquals("192.168.1.20", Endpoints.unresolved("192.168.1.20:81", 80, "cameras").getHostString());
        assertEquals("fe80::1", Endpoints.unresolved("[fe80::1]:81", 80, "cameras").getHostString());
    }

    @Test
    void everyBadValueIsRefusedWithTheSettingAndTheValue() {
        assertMessage("upstreams: not an IP address: 'dns.example'", () -> Endpoints.literal("dns.example", 53, "upstreams"));
        assertMessage("upstreams: not an IP address: '999.1.1.1'", () -> Endpoints.literal("999.1.1.1", 53, "upstreams"));
        assertMessage("upstreams: not an IP address: ':::::1::1'", () -> Endpoints.literal(":::::1::1", 53, "upstreams"));
        assertMessage("upstreams: bad port in '127.0.0.1:0' (1..65535)", () -> Endpoints.literal("127.0.0.1:0", 53, "upstreams"));
        assertMessage("upstreams: bad port in '127.0.0.1:99999999999' (1..65535)",
                () -> Endpoints.literal("127.0.0.1:99999999999", 53, "upstreams"));
        assertMessage("upstreams: bad port in '127.0.0.1:' (1..65535)", () -> Endpoints.literal("127.0.0.1:", 53, "upstreams"));
        assertMessage("upstreams: bad address '[::1' (an IPv6 address with a port is [address]:port)",
                () -> Endpoints.literal("[::1", 53, "upstreams"));
        assertMessage("upstreams: bad address '[::1]53' (an IPv6 address with a port is [address]:port)",
                () -> Endpoints.literal("[::1]53", 53, "upstreams"));
        assertMessage("devices: not a host name or IP address: 'plug one'", () -> Endpoints.unresolved("plug one", 9999, "devices"));
        assertMessage("devices: not a host name or IP address: ':9999'", () -> Endpoints.unresolved(":9999", 9999, "devices"));
        assertMessage("devices: not a host name or IP address: ''", () -> Endpoints.unresolved("", 9999, "devices"));
        assertMessage("devices: bad port in 'plug:http' (1..65535)", () -> Endpoints.unresolved("plug:http", 9999, "devices"));
        assertMessage("answerAddress: not an IP address: '10.0.0.256'", () -> Endpoints.literalAddress("10.0.0.256", "answerAddress"));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
