package org.understudy.core.testplugins;

public final class UdpIdServerB extends UdpIdServer {
    @Override
    public String id() {
        return "udp-b";
    }
}
