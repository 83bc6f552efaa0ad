package org.understudy.it.plugins;

public final class EchoDns extends EchoServer {
    @Override
    public String id() {
        return "udp-echo";
    }
}
