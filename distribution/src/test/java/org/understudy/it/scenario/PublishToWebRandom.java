package org.understudy.it.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
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
 * SmartMesh's PublishToWebRandom (PROTOCOLS.md 3.3), run inside the station's namespace until a stop file
 * appears: every second, one of two MACs and a temperature of 20 + 10 * random(), POSTed as JSON to
 * clouddata.dustcloud.org/api/v1/oap, resolved through the gateway's DNS. One log line per sample:
 * {@code mac temperature status millis bodyLength}, or {@code mac temperature ERROR reason}.
 * Arguments: DNS server, log file, stop file, request timeout in ms.
 */
public final class PublishToWebRandom {

    public static final String HOST = "clouddata.dustcloud.org";
    public static final List<String> MACS = List.of("33-33-33-33-33-33-33-33", "44-44-44-44-44-44-44-44");
    private static final Duration PERIOD = Duration.ofSeconds(1);

    private PublishToWebRandom() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("sun.net.http.allowRestrictedHeaders", "true"); // the Host header, with the address resolved here
        SimpleResolver dns = new SimpleResolver(args[0]);
        dns.setTimeout(Duration.ofSeconds(2));
        Path stop = Path.of(args[2]);
        int timeout = Integer.parseInt(args[3]);
        Random random = new Random();
        try (PrintWriter log = new PrintWriter(Files.newBufferedWriter(Path.of(args[1])), true)) {
            while (!Files.exists(stop)) {
                Thread.sleep(PERIOD.toMillis());
                String mac = MACS.get(random.nextInt(MACS.size()));
                double temperature = 20 + 10 * random.nextDouble();
                InetAddress cloud = resolve(dns);
                if (cloud == null) {
                    log.println(mac + " " + temperature + " ERROR no answer for " + HOST);
                    continue;
                }
                log.println(mac + " " + temperature + " " + post(cloud, mac, temperature, timeout));
            }
        }
    }

    private static InetAddress resolve(SimpleResolver dns) {
        try {
            Message reply = dns.send(Message.newQuery(Record.newRecord(Name.fromString(HOST + "."), Type.A, DClass.IN)));
            if (reply.getRcode() != Rcode.NOERROR) {
                return null;
            }
            return reply.getSection(Section.ANSWER).stream().filter(ARecord.class::isInstance)
                    .map(r -> ((ARecord) r).getAddress()).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code status millis bodyLength}, or {@code ERROR reason}. */
    private static String post(InetAddress cloud, String mac, double temperature, int timeout) {
        long start = System.nanoTime();
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://" + cloud.getHostAddress() + "/api/v1/oap").toURL().openConnection();
            c.setConnectTimeout(timeout);
            c.setReadTimeout(timeout);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Host", HOST);
            c.setRequestProperty("Content-type", "application/json");
            byte[] body = String.format(Locale.ROOT, "{\"mac\": \"%s\", \"temperature\": %s}", mac, temperature)
                    .getBytes(StandardCharsets.UTF_8);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            int length;
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                length = in == null ? 0 : in.readAllBytes().length;
            }
            return status + " " + (System.nanoTime() - start) / 1_000_000 + " " + length;
        } catch (IOException e) {
            return "ERROR " + e;
        }
    }
}
