package org.understudy.it;

import java.io.IOException;
import org.understudy.api.spi.DeviceProfile;
import org.understudy.api.spi.DnsServer;
import org.understudy.it.plugins.EchoConfig;
import org.understudy.it.plugins.EchoDns;
import org.understudy.it.plugins.EchoServer;
import org.understudy.it.plugins.SwapADns;
import org.understudy.it.plugins.SwapBDns;
import org.understudy.it.plugins.ThrowingProfile;

/** The plugin jars the ITs deploy, built from the test classes. */
final class PluginBundles {

    private PluginBundles() {
    }

    /** The udp-echo plugin; {@code version} is both the bundle version and what it answers. */
    static TestBundles echo(String version) throws IOException, ClassNotFoundException {
        return TestBundles.bundle("org.understudy.it.echo", version)
                .header("Import-Package", TestBundles.API_IMPORTS + "," + TestBundles.NETTY_IMPORTS)
                .classes(EchoServer.class, EchoServer.class.getClassLoader().loadClass(EchoServer.class.getName() + "$1"),
                        EchoConfig.class)
                .plugin(DnsServer.class, EchoDns.class)
                .resource("plugin-version.txt", "v" + version);
    }

    /** Two implementations of the DNS SPI in one bundle, for the swap test. */
    static TestBundles swapPair() throws IOException, ClassNotFoundException {
        return TestBundles.bundle("org.understudy.it.swap", "1.0.0")
                .header("Import-Package", TestBundles.API_IMPORTS + "," + TestBundles.NETTY_IMPORTS)
                .classes(EchoServer.class, EchoServer.class.getClassLoader().loadClass(EchoServer.class.getName() + "$1"),
                        EchoConfig.class)
                .plugin(DnsServer.class, SwapADns.class)
                .plugin(DnsServer.class, SwapBDns.class)
                .resource("plugin-version.txt", "swap");
    }

    static TestBundles feeder() throws IOException {
        return TestBundles.bundle("org.understudy.it.feeder", "1.0.0")
                .header("Import-Package", TestBundles.API_IMPORTS)
                .classes(org.understudy.it.plugins.FeederProfile.Config.class)
                .plugin(DeviceProfile.class, org.understudy.it.plugins.FeederProfile.class);
    }

    /** A throwaway profile using the whole plugin contract 0.3 (actions, live contributions, web, a secret). */
    static TestBundles contract() throws IOException, ClassNotFoundException {
        ClassLoader l = org.understudy.it.plugins.ContractProfile.class.getClassLoader();
        String name = org.understudy.it.plugins.ContractProfile.class.getName();
        return TestBundles.bundle("org.understudy.it.contract", "1.0.0")
                .header("Import-Package", TestBundles.API_IMPORTS + ",org.understudy.api.web;version=\"[0.3,1)\"")
                .classes(org.understudy.it.plugins.ContractProfile.Config.class, l.loadClass(name + "$1"), l.loadClass(name + "$2"))
                .plugin(DeviceProfile.class, org.understudy.it.plugins.ContractProfile.class);
    }

    static TestBundles throwingProfile() throws IOException {
        return TestBundles.bundle("org.understudy.it.throwing", "1.0.0")
                .header("Import-Package", TestBundles.API_IMPORTS)
                .classes(ThrowingProfile.Config.class)
                .plugin(DeviceProfile.class, ThrowingProfile.class);
    }

    static TestBundles unresolvable() throws IOException {
        return TestBundles.bundle("org.understudy.it.unresolvable", "1.0.0")
                .header("Import-Package", "org.nowhere.missing;version=\"[1,2)\"")
                .resource("readme.txt", "imports a package nobody exports");
    }

    static TestBundles throwingActivator() throws IOException {
        return TestBundles.bundle("org.understudy.it.badactivator", "1.0.0")
                .header("Import-Package", "org.osgi.framework")
                .header("Bundle-Activator", ThrowingActivator.class.getName())
                .classes(ThrowingActivator.class);
    }

    static TestBundles notABundle() {
        return TestBundles.plainJar().resource("hello.txt", "just a jar");
    }
}
