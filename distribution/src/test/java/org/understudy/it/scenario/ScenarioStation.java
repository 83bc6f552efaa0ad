package org.understudy.it.scenario;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.understudy.proxy.StrictStation;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A Bloomsky station, run inside the station's namespace, playing its real cycle until a stop file appears:
 * resolve the backend's name through the gateway's DNS, POST the Info, and only after a 200 the JPEG and the
 * weather POST. Every request is one line of the log: {@code kind deviceTs status millis}, or
 * {@code kind deviceTs ERROR reason} when the reply was missing, late or mis-framed (the strict client).
 * Arguments: DNS server, log file, stop file, request timeout in ms.
 */
public final class ScenarioStation {

    public static final String HOST = "bskybackend.bloomsky.com";
    public static final String DEVICE = "94A1A2733B1A";
    private static final String INFO = "{\"DeviceID\":\"" + DEVICE + "\",\"FWVersion1\":\"1.4.0\",\"FWVersion2\":\"1.2.4\","
            + "\"HWVersion\":\"1.0.1\",\"DeviceType\":\"SKY1\",\"Temperature\":%d.5,\"Humidity\":34,\"Voltage\":2586,"
            + "\"UVIndex\":1234,\"Luminance\":2689636,\"Rain\":0,\"Pressure\":669,\"ChargerStatus\":0,\"TS\":%d}";
    private static final Duration PAUSE = Duration.ofMillis(200);

    private ScenarioStation() {
    }

    public static void main(String[] args) throws Exception {
        SimpleResolver dns = new SimpleResolver(args[0]);
        dns.setTimeout(Duration.ofSeconds(2));
        Path stop = Path.of(args[2]);
        int timeout = Integer.parseInt(args[3]);
        long ts = System.currentTimeMillis() / 1000 - 86_400; // distinct device times, one per request
        try (PrintWriter log = new PrintWriter(Files.newBufferedWriter(Path.of(args[1])), true)) {
            while (!Files.exists(stop)) {
                InetAddress gateway = resolve(dns);
                if (gateway == null) {
                    log.println("dns 0 ERROR no answer for " + HOST);
                } else if (post(log, "info", gateway, "/devc/skydevice/?Info=", ++ts, new byte[0], timeout)) {
                    post(log, "picture", gateway, "/devc/skydevice/" + DEVICE + "?Info=", ++ts, jpeg(ts), timeout);
                    post(log, "weather", gateway, "/devc/skydevice/?Info=", ++ts, new byte[0], timeout);
                }
                Thread.sleep(PAUSE.toMillis());
            }
        }
    }

    private static InetAddress resolve(SimpleResolver dns) {
        try {
            Message reply = dns.send(Message.newQuery(Record.newRecord(Name.fromString(HOST + "."), Type.A, DClass.IN)));
            if (reply.getRcode() != Rcode.NOERROR) {
                return null;
            }
            List<Record> answers = reply.getSection(Section.ANSWER);
            return answers.stream().filter(ARecord.class::isInstance).map(r -> ((ARecord) r).getAddress()).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** The Info a station sends with each request, at device time {@code ts} (its temperature varies with it). */
    public static String info(long ts) {
        return String.format(INFO, ts % 30, ts);
    }

    /** One request; true when it was answered 200 in time and well framed. */
    private static boolean post(PrintWriter log, String kind, InetAddress gateway, String target, long ts, byte[] body, int timeout) {
        String info = info(ts);
        try {
            StrictStation.Response r = StrictStation.post(gateway.getHostAddress(), 80, HOST, target + info, body, timeout);
            log.println(kind + " " + ts + " " + r.status() + " " + r.millis());
            return r.status() == 200;
        } catch (IOException | AssertionError e) {
            log.println(kind + " " + ts + " ERROR " + e);
            return false;
        }
    }

    /** A minimal JPEG, different for every upload so each is stored as its own picture. */
    private static byte[] jpeg(long ts) {
        return jpeg(Long.toString(ts));
    }

    /** A minimal JPEG (SOI, a JFIF header, {@code marker}, EOI): a different marker, a different picture. */
    public static byte[] jpeg(String marker) {
        byte[] text = marker.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = new byte[14 + text.length];
        byte[] head = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 16, 'J', 'F', 'I', 'F', 1, 2};
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(text, 0, out, head.length, text.length);
        out[out.length - 2] = (byte) 0xff;
        out[out.length - 1] = (byte) 0xd9;
        return out;
    }
}
