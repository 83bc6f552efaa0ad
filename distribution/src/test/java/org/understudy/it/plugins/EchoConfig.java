package org.understudy.it.plugins;

import java.time.Duration;
import org.understudy.api.Description;

@Description("Test UDP echo: answers every datagram with prefix:id:version.")
public record EchoConfig(
        @Description("UDP port on 127.0.0.1.") int port,
        @Description("Text put before the answer.") String prefix,
        @Description("How often the tick file is written.") Duration tick) {
    public EchoConfig {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, got " + port);
        }
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("prefix must not be blank");
        }
    }
}
