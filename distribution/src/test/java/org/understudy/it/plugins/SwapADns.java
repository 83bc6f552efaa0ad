package org.understudy.it.plugins;

public final class SwapADns extends EchoServer {
    @Override
    public String id() {
        return "swap-a";
    }
}
