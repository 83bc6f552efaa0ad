package org.understudy.dns.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;
import org.understudy.core.testing.TestPorts;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The DNS plugin as a LAN resolver, end to end: real clients (dig, kdig, dnspython), a real upstream
 * (dnsmasq on loopback) that is stopped and restarted, and a flood of malformed packets.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DnsServerIT {

    private static final String BIG_TXT;

    static {
        // eight TXT records of 200 bytes: about 1.7 kB, more than the 1232 bytes of EDNS UDP
        StringBuilder sb = new StringBuilder();
        for (char c = 'a'; c < 'i'; c++) {
            sb.append("txt-record=big.test,\"").append(String.valueOf(c).repeat(200)).append("\"\n");
        }
        BIG_TXT = sb.toString();
    }

    private static Path dir;
    private static Dnsmasq upstream;
    private static PluginRuntime runtime;
    private static int port;
    private static final Map<String, Object> config = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("dns-it");
        Files.createDirectories(dir.resolve("conf"));
        upstream = new Dnsmasq(dir, TestPorts.freeDnsPort(), String.join("\n", "address=/upstream.test/10.9.8.7",
                "address=/other.test/10.9.8.6", "address=/tplinkcloud.com/10.20.30.40", "local-ttl=1", BIG_TXT)).start();
        port = TestPorts.freeDnsPort();
        config.putAll(Map.of("host", "127.0.0.1", "port", String.valueOf(port), "upstreams", "127.0.0.1:" + upstream.port(),
                "rateLimit", "0", "upstreamTimeout", "500ms", "queryTimeout", "1500ms", "rulesCheckInterval", "200ms"));
        runtime = new PluginRuntime(dir.resolve("data"), dir.resolve("conf"), k -> null, Clock.systemUTC());
        runtime.configure("understudy.dns", config);
        runtime.add(ClasspathPlugins.discover(DnsServerIT.class.getClassLoader()));
        assertEquals("ACTIVE", dns().get("state"), () -> String.valueOf(dns().get("error")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> dns() {
        return ((List<Map<String, Object>>) runtime.status().get("plugins")).stream()
                .filter(p -> "dns".equals(p.get("id"))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> dnsStatus() {
        return (Map<String, Object>) dns().get("status");
    }

    static void reconfigure(Map<String, String> changes) {
        Map<String, Object> next = new HashMap<>(config);
        next.putAll(changes);
        runtime.configure("understudy.dns", next);
    }

    static String answer(String digOutput) {
        Matcher m = Pattern.compile("(?m)^\\S+\\s+(\\d+)\\s+IN\\s+(\\S+)\\s+(.+)$").matcher(digOutput);
        return m.find() ? m.group(2) + " " + m.group(3).trim() + " ttl=" + m.group(1) : "";
    }

    static int queryTimeMs(String digOutput) {
        Matcher m = Pattern.compile("Query time: (\\d+) msec").matcher(digOutput);
        return m.find() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }

    @Test
    @Order(1)
    void interceptedNamesAnswerTheGatewayAndNothingElse() throws Exception {
        assertEquals("A 127.0.0.1 ttl=5", answer(Tools.dig(port, "bskybackend.bloomsky.com")));
        assertEquals("A 127.0.0.1 ttl=5", answer(Tools.dig(port, "BskyBackend.BLOOMSKY.com.")));
        assertEquals("A 127.0.0.1 ttl=5", answer(Tools.dig(port, "eu-wap.tplinkcloud.com")));
        assertEquals("A 10.20.30.40 ttl=1", answer(Tools.dig(port, "tplinkcloud.com")), "*.suffix does not match the suffix");
        assertEquals("NXDOMAIN", Tools.status(Tools.dig(port, "bskybackend.bloomsky.com.evil.test")), "never a prefix match");
        String aaaa = Tools.dig(port, "bskybackend.bloomsky.com", "AAAA");
        assertEquals("NOERROR", Tools.status(aaaa));
        assertEquals("", answer(aaaa), "no IPv6 configured: no data, never the vendor's");
        String https = Tools.dig(port, "bskybackend.bloomsky.com", "TYPE65");
        assertEquals("NOERROR", Tools.status(https));
        assertEquals("", answer(https));
        String kdig = Tools.run("kdig", "@127.0.0.1", "-p", String.valueOf(port), "+short", "bskybackend.bloomsky.com");
        assertEquals("127.0.0.1", kdig.trim());
        assertEquals("127.0.0.1", Tools.run("kdig", "@127.0.0.1", "-p", String.valueOf(port), "+tcp", "+short",
                "bskybackend.bloomsky.com").trim(), "TCP too");
    }

    @Test
    @Order(2)
    void rulesFileLoadsReportsBadLinesAndReloadsLive() throws Exception {
        Path rules = dir.resolve("conf/dns.rules");
        Files.writeString(rules, "# rules\nA printer.lan 192.168.1.50\nMX mail.lan x\nA pool.lan 10.0.0.1, 10.0.0.2\n"
                + "CNAME www.lan printer.lan\nTXT note.lan \"hello there\"\nA ads.lan none\nA *.iot.lan self\n");
        awaitStatus(() -> ((Number) dnsStatus().get("rules")).intValue() == 6, "6 rules loaded");
        assertEquals(List.of("line 3: unknown type 'MX' (expected A, AAAA, CNAME, TXT or PTR)"), dnsStatus().get("rulesErrors"));
        assertEquals("A 192.168.1.50 ttl=5", answer(Tools.dig(port, "printer.lan")));
        String first = answer(Tools.dig(port, "pool.lan"));
        String second = answer(Tools.dig(port, "pool.lan"));
        assertFalse(first.equals(second), "round-robin: " + first + " then " + second);
        assertEquals("CNAME printer.lan. ttl=5", answer(Tools.dig(port, "www.lan")));
        assertEquals("TXT \"hello there\" ttl=5", answer(Tools.dig(port, "note.lan", "TXT")));
        assertEquals("NXDOMAIN", Tools.status(Tools.dig(port, "ads.lan")));
        assertEquals("A 127.0.0.1 ttl=5", answer(Tools.dig(port, "cam.iot.lan")));

        Files.writeString(rules, "A printer.lan 192.168.1.51\n");
        awaitStatus(() -> ((Number) dnsStatus().get("rules")).intValue() == 1, "the edited file loaded");
        assertEquals("A 192.168.1.51 ttl=5", answer(Tools.dig(port, "printer.lan")));
        assertEquals(List.of(), dnsStatus().get("rulesErrors"));
    }

    @Test
    @Order(3)
    void forwardsCachesAndFallsBackToTcp() throws Exception {
        assertEquals("A 10.9.8.7 ttl=1", answer(Tools.dig(port, "upstream.test")));
        long cacheHits = counter("cache");
        Tools.dig(port, "upstream.test");
        assertEquals(cacheHits + 1, counter("cache"), "the second answer came from the cache");
        assertEquals("10.9.8.6", Tools.run("kdig", "@127.0.0.1", "-p", String.valueOf(port), "+tcp", "+short",
                "other.test").trim());
        assertEquals("NXDOMAIN", Tools.status(Tools.dig(port, "nothing-here.test")));

        // 8 x 200-byte strings: upstream truncates our UDP query, we ask it again over TCP; a client
        // without EDNS gets TC over UDP and the whole answer over TCP (checked with dnspython)
        String truncated = Tools.dig(port, "+noedns", "+ignore", "big.test", "TXT");
        assertTrue(truncated.contains(" tc"), truncated);
        String py = Tools.python(String.join("\n",
                "import sys, dns.message, dns.query, dns.flags",
                "port = int(sys.argv[1])",
                "q = dns.message.make_query('big.test', 'TXT')",
                "udp = dns.query.udp(q, '127.0.0.1', port=port, timeout=3, raise_on_truncation=False)",
                "tcp = dns.query.tcp(q, '127.0.0.1', port=port, timeout=3)",
                "strings = sum(len(r.strings) for rrset in tcp.answer for r in rrset)",
                "print(bool(udp.flags & dns.flags.TC), strings, udp.id == q.id, tcp.id == q.id)"), String.valueOf(port));
        assertEquals("True 8 True True", py);

        // failover: the first upstream is dead, the second answers
        reconfigure(Map.of("upstreams", "127.0.0.1:" + TestPorts.freeDnsPort() + ",127.0.0.1:" + upstream.port()));
        assertEquals("A 10.9.8.6 ttl=1", answer(Tools.dig(port, "other.test")));
        reconfigure(Map.of());
    }

    @Test
    @Order(3)
    @SuppressWarnings("unchecked")
    void everyQueryIsInTheLogAndTheCounters() throws Exception {
        Tools.dig(port, "Logged.Example.test");
        List<Map<String, Object>> recent = (List<Map<String, Object>>) dnsStatus().get("recentQueries");
        Map<String, Object> last = recent.get(0);
        assertEquals("logged.example.test", last.get("name"));
        assertEquals("A", last.get("type"));
        assertEquals("NXDOMAIN", last.get("rcode"));
        assertEquals("upstream", last.get("source"));
        assertEquals("127.0.0.1", last.get("client"));
        assertTrue(((Map<String, Object>) dnsStatus().get("byRcode")).containsKey("NXDOMAIN"));
    }

    @Test
    @Order(4)
    void notAnOpenResolver() throws Exception {
        reconfigure(Map.of("allowedClients", "127.0.0.1/32"));
        assertEquals("REFUSED", Tools.status(Tools.dig(port, "-b", "127.0.0.2", "bskybackend.bloomsky.com")));
        assertEquals("REFUSED", Tools.status(Tools.dig(port, "-b", "127.0.0.2", "upstream.test")), "never forwarded");
        assertEquals("NOERROR", Tools.status(Tools.dig(port, "bskybackend.bloomsky.com")));

        reconfigure(Map.of("rateLimit", "20", "rateBurst", "20"));
        String answered = Tools.python(String.join("\n",
                "import sys, socket, time, dns.message",
                "port = int(sys.argv[1])",
                "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                "s.settimeout(0.5)",
                "for i in range(300):",
                "    s.sendto(dns.message.make_query('bskybackend.bloomsky.com', 'A').to_wire(), ('127.0.0.1', port))",
                "n = 0",
                "try:",
                "    while True:",
                "        s.recvfrom(4096); n += 1",
                "except socket.timeout:",
                "    pass",
                "print(n)"), String.valueOf(port));
        int n = Integer.parseInt(answered);
        assertTrue(n >= 20 && n < 60, "a burst of 300 from one client got " + n + " answers at 20/s, burst 20");
        assertTrue(counter("rate_limited") >= 200);

        reconfigure(Map.of());
        String any = Tools.dig(port, "upstream.test", "ANY");
        assertEquals("HINFO \"RFC8482\" \"\" ttl=5", answer(any), "RFC 8482: ANY is never forwarded");
    }

    @Test
    @Order(5)
    void whileUpstreamIsDownCachedNamesAreServedStaleAndOthersFailFast() throws Exception {
        assertEquals("A 10.9.8.7 ttl=1", answer(Tools.dig(port, "upstream.test")));
        upstream.stop();
        Thread.sleep(1300); // the cached answer has expired
        String stale = Tools.dig(port, "upstream.test");
        assertEquals("A 10.9.8.7 ttl=30", answer(stale), "expired entry served stale with staleTtl");
        assertTrue(queryTimeMs(stale) < 500, "stale answer took " + queryTimeMs(stale) + " ms");
        String uncached = Tools.dig(port, "never-seen.test");
        assertEquals("SERVFAIL", Tools.status(uncached), "never NXDOMAIN for a name we cannot know");
        assertTrue(queryTimeMs(uncached) <= 1600, "within queryTimeout: " + queryTimeMs(uncached) + " ms");
        String again = Tools.dig(port, "another-unseen.test");
        assertEquals("SERVFAIL", Tools.status(again));
        assertTrue(queryTimeMs(again) < 200, "upstream known down: answered at once, took " + queryTimeMs(again) + " ms");
        for (int i = 0; i < 5; i++) {
            String s = Tools.dig(port, "upstream.test");
            assertEquals("A 10.9.8.7 ttl=30", answer(s));
            assertTrue(queryTimeMs(s) < 200, "stale while known down took " + queryTimeMs(s) + " ms");
        }
        assertTrue(counter("stale") >= 6);

        upstream.start();
        awaitStatus(() -> {
            try {
                return answer(Tools.dig(port, "upstream.test")).equals("A 10.9.8.7 ttl=1");
            } catch (Exception e) {
                return false;
            }
        }, "fresh answers again after the upstream returned");
        assertEquals("NXDOMAIN", Tools.status(Tools.dig(port, "never-seen.test")));
    }

    @Test
    @Order(6)
    void malformedQueriesGetTheRightErrors() throws Exception {
        Message chaos = Message.newQuery(Record.newRecord(Name.fromString("version.bind."), Type.TXT, DClass.CH));
        assertEquals(Rcode.REFUSED, ask(chaos.toWire()).getRcode());
        Message notify = Message.newQuery(Record.newRecord(Name.fromString("x.test."), Type.A, DClass.IN));
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        assertEquals(Rcode.NOTIMP, ask(notify.toWire()).getRcode());
        Message two = Message.newQuery(Record.newRecord(Name.fromString("a.test."), Type.A, DClass.IN));
        two.addRecord(Record.newRecord(Name.fromString("b.test."), Type.A, DClass.IN), Section.QUESTION);
        assertEquals(Rcode.FORMERR, ask(two.toWire()).getRcode());
        Message ednsV1 = Message.newQuery(Record.newRecord(Name.fromString("a.test."), Type.A, DClass.IN));
        ednsV1.addRecord(new OPTRecord(1232, 0, 1), Section.ADDITIONAL);
        assertEquals(Rcode.BADVERS, ask(ednsV1.toWire()).getRcode());
        byte[] loop = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 12, 0, 1, 0, 1};
        Message loopReply = ask(loop);
        assertEquals(Rcode.FORMERR, loopReply.getRcode());
        assertEquals(0x1234, loopReply.getHeader().getID());
        assertEquals(null, askRaw(new byte[11]), "shorter than a header: no reply");
        byte[] response = Message.newQuery(Record.newRecord(Name.fromString("a.test."), Type.A, DClass.IN)).toWire();
        response[2] |= (byte) 0x80;
        assertEquals(null, askRaw(response), "a response sent to us: no reply (no loops between resolvers)");
    }

    @Test
    @Order(7)
    void survivesAHundredThousandRandomAndMutatedPackets() throws Exception {
        byte[][] seeds = {
            Message.newQuery(Record.newRecord(Name.fromString("bskybackend.bloomsky.com."), Type.A, DClass.IN)).toWire(),
            Message.newQuery(Record.newRecord(Name.fromString("upstream.test."), Type.AAAA, DClass.IN)).toWire(),
            Message.newQuery(Record.newRecord(Name.fromString("x.y.z.test."), Type.TXT, DClass.IN)).toWire(),
        };
        long before = handled();
        int sent = 100_000;
        long replies = Fuzzer.blast(port, new Fuzzer(20261121L, seeds), sent);
        // UDP may drop datagrams (socket buffers, scheduling): what the server must guarantee is that it
        // counts what it received exactly once, never answers what it did not count, and keeps answering
        long[] settled = {-1};
        await("the counters settle").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> settled[0] == (settled[0] = handled()));
        long handled = settled[0] - before;
        assertTrue(handled > 0 && handled <= sent, "handled " + handled + " of " + sent + " packets sent");
        assertTrue(replies <= handled, "the fuzzer got " + replies + " replies to " + handled + " handled packets");
        assertTrue(replies > 0, "some packets deserved an answer");
        Map<String, Object> counters = dnsStatus();
        long queries = ((Number) counters.get("queries")).longValue();
        assertEquals(queries, sum(counters.get("bySource")), "every query counted under one answer source");
        assertEquals(queries, sum(counters.get("byRcode")), "every query counted under one response code");
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                byte[] junk = new byte[random.nextInt(600)];
                random.nextBytes(junk);
                s.getOutputStream().write(junk);
            } catch (IOException refusedOrReset) {
                // the server may close on us: that is fine
            }
        }
        assertEquals("A 127.0.0.1 ttl=5", answer(Tools.dig(port, "bskybackend.bloomsky.com")), "still answering");
        assertEquals("A 10.9.8.7 ttl=1", answer(Tools.dig(port, "+tcp", "upstream.test")));
        assertEquals("ACTIVE", dns().get("state"));
        awaitStatus(() -> ((Number) dnsStatus().get("tcpConnections")).intValue() == 0, "TCP connections released");
    }

    private static long handled() {
        Map<String, Object> counters = dnsStatus();
        return ((Number) counters.get("queries")).longValue() + ((Number) counters.get("dropped")).longValue();
    }

    @SuppressWarnings("unchecked")
    private static long sum(Object counters) {
        return ((Map<String, Number>) counters).values().stream().mapToLong(Number::longValue).sum();
    }

    private static Message ask(byte[] query) throws IOException {
        byte[] reply = askRaw(query);
        if (reply == null) {
            throw new AssertionError("no reply");
        }
        return new Message(reply);
    }

    private static byte[] askRaw(byte[] query) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(1000);
            s.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), port));
            byte[] buf = new byte[4096];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            return java.util.Arrays.copyOf(buf, p.getLength());
        } catch (java.net.SocketTimeoutException e) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static long counter(String source) {
        return ((Number) ((Map<String, Object>) dnsStatus().get("bySource")).get(source)).longValue();
    }

    private static void awaitStatus(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(condition::getAsBoolean);
    }
}
