package org.understudy.core.testplugins;

public final class UdpIdServerA extends UdpIdServer {
    @Override
    public String id() {
        return "udp-a";
    }
}
