package org.understudy.core.testplugins;

import org.understudy.api.Description;
import org.understudy.api.EnvOverride;

public record UdpIdConfig(
        @Description("UDP port") @EnvOverride("TEST_DNS_PORT") int port,
        @Description("Reply prefix") String prefix) {
    public UdpIdConfig {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, got " + port);
        }
    }
}
