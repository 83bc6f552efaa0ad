package org.understudy.profile.declarative;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.understudy.api.spi.HttpReply;

/**
 * The reply a family's device gets while the backend is unreachable: a status, headers and a body whose
 * placeholders are filled at each request: {@code {now:iso}}, {@code {now:epoch}}, {@code {now:epochMillis}},
 * {@code {now:http}} (RFC 1123), {@code {now:utc-datetime}} (YYYY-MM-DD HH:MM:SS) and {@code {device}}.
 */
record ReplyTemplate(int status, List<Map.Entry<String, String>> headers, String body) {

    private static final DateTimeFormatter UTC_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    HttpReply reply(Instant now, String device) {
        String text = body;
        if (text.indexOf('{') >= 0) {
            text = text.replace("{now:iso}", now.toString())
                    .replace("{now:epochMillis}", Long.toString(now.toEpochMilli()))
                    .replace("{now:epoch}", Long.toString(now.getEpochSecond()))
                    .replace("{now:http}", DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atOffset(ZoneOffset.UTC)))
                    .replace("{now:utc-datetime}", UTC_DATETIME.format(now))
                    .replace("{device}", device == null ? "" : device);
        }
        return new HttpReply(status, new ArrayList<>(headers), text.getBytes(StandardCharsets.UTF_8), false);
    }
}
