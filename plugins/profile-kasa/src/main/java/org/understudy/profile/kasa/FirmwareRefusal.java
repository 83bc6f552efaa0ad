package org.understudy.profile.kasa;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.understudy.api.spi.HttpInterceptor;
import org.understudy.api.spi.HttpReply;
import org.understudy.api.spi.HttpRequest;
import org.understudy.api.spi.Observation;

/**
 * TP-Link's firmware download host, claimed only to refuse it: automatic firmware updates are how plugs lost
 * the local protocol (an HS100 hw 4.1 answers only KLAP after one). A plain HTTP download is answered 403 at
 * once, never forwarded (the proxy records each attempt as a flow); a TLS one is closed by the proxy, since no
 * profile passes the name through (recorded too).
 */
final class FirmwareRefusal implements HttpInterceptor {

    static final String HOST = "download.tplinkcloud.com";
    private static final byte[] BODY = ("firmware updates are refused by the gateway (blockFirmwareUpdates in understudy.kasa):"
            + " an update can take a plug's local protocol away\n").getBytes(StandardCharsets.UTF_8);

    @Override
    public Duration replyDeadline() {
        return Duration.ofSeconds(1);
    }

    @Override
    public Observation observe(HttpRequest request) {
        return Observation.NONE;
    }

    @Override
    public boolean forwards(HttpRequest request) {
        return false;
    }

    @Override
    public void learn(HttpRequest request, HttpReply reply) {
        // never forwarded: nothing to learn
    }

    @Override
    public Optional<HttpReply> impersonate(HttpRequest request) {
        return Optional.of(new HttpReply(403, List.of(Map.entry("Content-Type", "text/plain; charset=utf-8")), BODY, false));
    }
}
