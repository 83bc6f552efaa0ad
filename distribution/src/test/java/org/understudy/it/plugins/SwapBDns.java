package org.understudy.it.plugins;

public final class SwapBDns extends EchoServer {
    @Override
    public String id() {
        return "swap-b";
    }
}
