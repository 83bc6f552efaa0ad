package org.understudy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;
import org.understudy.core.testing.TestPorts;

/**
 * Requests RFC 9112 calls bad get 400 (413 for a body announced too large), each at once and with a reply,
 * never a silent close, a 503 or a wait: the proxy offline, with the Bloomsky profile.
 */
class HttpEdgeCasesIT {

    private static final String HOST = "bskybackend.bloomsky.com";

    @TempDir
    Path dir;
    private PluginRuntime runtime;
    private int port;

    @BeforeEach
    void start() throws Exception {
        port = TestPorts.freeTcpPort();
        runtime = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
        runtime.configure("understudy.runtime", Map.of("readingStore", "store-sqlite"));
        runtime.configure("understudy.proxy", Map.of("port", String.valueOf(port), "tlsPort", "0", "maxBodyBytes", "1048576",
                "maxBufferedBodyBytes", "4194304"));
        runtime.add(ClasspathPlugins.discover(HttpEdgeCasesIT.class.getClassLoader()));
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "two Host headers|POST /devc/skydevice/ HTTP/1.1\\r\\nHost: H\\r\\nHost: other.example\\r\\nContent-Length: 0\\r\\n\\r\\n|400",
        "no Host in HTTP/1.1|POST /devc/skydevice/ HTTP/1.1\\r\\nContent-Length: 0\\r\\n\\r\\n|400",
        "unknown version|POST /devc/skydevice/ HTTP/9.9\\r\\nHost: H\\r\\nContent-Length: 0\\r\\n\\r\\n|400",
        "HTTP/2.0 as text|POST /devc/skydevice/ HTTP/2.0\\r\\nHost: H\\r\\nContent-Length: 0\\r\\n\\r\\n|400",
        "absurd method|XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX /devc/skydevice/ HTTP/1.1\\r\\nHost: H\\r\\nContent-Length: 0\\r\\n\\r\\n|400",
        "method with bad characters|FR@B /devc/skydevice/ HTTP/1.1\\r\\nHost: H\\r\\nContent-Length: 0\\r\\n\\r\\n|400",
        "non-numeric Content-Length|POST /devc/skydevice/ HTTP/1.1\\r\\nHost: H\\r\\nContent-Length: abc\\r\\n\\r\\n|400",
        "20-digit Content-Length|POST /devc/skydevice/ HTTP/1.1\\r\\nHost: H\\r\\nContent-Length: 99999999999999999999\\r\\n\\r\\n|400",
        "negative Content-Length|POST /devc/skydevice/ HTTP/1.1\\r\\nHost: H\\r\\nContent-Length: -5\\r\\n\\r\\n|400",
        "two different Content-Lengths|POST /devc/skydevice/ HTTP/1.1\\r\\nHost: H\\r\\nContent-Length: 1\\r\\nContent-Length: 2\\r\\n\\r\\nab|400",
        "Content-Length and chunked|POST /devc/skydevice/ HTTP/1.1\\r\\nHost: H\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n|400",
        "a chunk above maxBodyBytes|POST /devc/skydevice/ HTTP/1.1\\r\\nHost: H\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n7fffffff\\r\\nabc|413",
        "chunks adding up above maxBodyBytes|POST /devc/skydevice/ HTTP/1.1\\r\\nHost: H\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3\\r\\nabc\\r\\nfffff;ext=1\\r\\nab|413",
        "Content-Length above maxBodyBytes|POST /devc/skydevice/ HTTP/1.1\\r\\nHost: H\\r\\nContent-Length: 999999999\\r\\n\\r\\n|413",
        "a small chunked upload|POST /devc/skydevice/?Info={\"DeviceID\":\"94A1A2733B1A\",\"Temperature\":3} HTTP/1.1\\r\\nHost: H\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3;x=y\\r\\nabc\\r\\n2\\r\\nde\\r\\n0\\r\\nTrailer: 1\\r\\n\\r\\n|200",
    })
    void answeredPerRfc9112(String what, String request, int status) throws Exception {
        String wire = request.replace("\\r\\n", "\r\n").replace("Host: H", "Host: " + HOST);
        assertEquals(status, StrictStation.raw(port, wire).status(), what);
    }
}
