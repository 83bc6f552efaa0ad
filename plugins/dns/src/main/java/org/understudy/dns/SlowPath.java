package org.understudy.dns;

import java.io.IOException;
import java.net.InetAddress;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.HINFORecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Responses built with dnsjava: unusual or malformed queries (FORMERR, NOTIMP, REFUSED, BADVERS), ANY
 * (RFC 8482), rule answers other than addresses, and SERVFAIL.
 */
final class SlowPath {

    private final DnsConfig config;
    private final QueryLog log;

    SlowPath(DnsConfig config, QueryLog log) {
        this.config = config;
        this.log = log;
    }

    /** A query the wire fast path would not take: answer what is wrong with it, or refuse it. */
    void answerUnusual(byte[] query, java.net.InetAddress who, QueryProcessor.Reply reply, boolean tcp) {
        Message m;
        try {
            m = new Message(query);
        } catch (IOException e) {
            log.record(who, "", 0, Rcode.FORMERR, QueryLog.Source.ERROR);
            reply.send(WireResponses.headerOnly(query, Rcode.FORMERR));
            return;
        }
        Record question = m.getQuestion();
        String name = question == null ? "" : question.getName().toString(true);
        int type = question == null ? 0 : question.getType();
        int rcode;
        if (m.getHeader().getOpcode() != Opcode.QUERY) {
            rcode = Rcode.NOTIMP;
        } else if (m.getHeader().getCount(Section.QUESTION) != 1 || m.getHeader().getFlag(Flags.TC)) {
            rcode = Rcode.FORMERR;
        } else if (m.getOPT() != null && m.getOPT().getVersion() != 0) {
            rcode = Rcode.BADVERS;
        } else if (m.getHeader().getCount(Section.ANSWER) > 0 || m.getHeader().getCount(Section.AUTHORITY) > 0) {
            rcode = Rcode.FORMERR;
        } else {
            rcode = Rcode.REFUSED; // another class, or a name we do not serve
        }
        log.record(who, name, type, rcode, QueryLog.Source.ERROR);
        Message response = new Message(m.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setOpcode(m.getHeader().getOpcode());
        if (m.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        if (question != null && m.getHeader().getCount(Section.QUESTION) == 1) {
            response.addRecord(question, Section.QUESTION);
        }
        if (rcode == Rcode.BADVERS) {
            response.getHeader().setRcode(0);
            response.addRecord(new OPTRecord(config.ednsUdpSize(), Rcode.BADVERS >>> 4, 0), Section.ADDITIONAL);
        } else {
            response.getHeader().setRcode(rcode);
            if (m.getOPT() != null) {
                response.addRecord(new OPTRecord(config.ednsUdpSize(), 0, 0), Section.ADDITIONAL);
            }
        }
        reply.send(response.toWire(tcp ? 65535 : 512));
    }

    /** RFC 8482: a minimal answer to ANY, never forwarded. */
    void answerAny(byte[] query, WireQuery q, java.net.InetAddress who, QueryProcessor.Reply reply, int maxSize) {
        Name owner = questionName(query);
        Message response = base(owner, q, Rcode.NOERROR);
        response.addRecord(new HINFORecord(owner, DClass.IN, config.interceptTtl().toSeconds(),
                "RFC8482", ""), Section.ANSWER);
        log.record(who, q.name(), Type.ANY, Rcode.NOERROR, QueryLog.Source.LOCAL);
        reply.send(response.toWire(maxSize));
    }

    void answerLocal(byte[] query, WireQuery q, LocalAnswers.Local local, java.net.InetAddress who, QueryProcessor.Reply reply,
                     int maxSize) {
        long ttl = config.interceptTtl().toSeconds();
        log.record(who, q.name(), q.type(), local.rcode(), local.source());
        if (local.names().isEmpty()) {
            reply.send(WireResponses.local(q, query, local.rcode(), local.rrType(), local.addresses(), ttl,
                    config.ednsUdpSize()));
            return;
        }
        Name owner = questionName(query);
        Message response = base(owner, q, local.rcode());
        response.getHeader().setFlag(Flags.AA);
        for (String value : local.names()) {
            response.addRecord(record(owner, local.rrType(), ttl, value), Section.ANSWER);
        }
        reply.send(response.toWire(maxSize));
    }

    void servfail(byte[] query, WireQuery q, java.net.InetAddress who, QueryProcessor.Reply reply, String why) {
        log.record(who, q.name(), q.type(), Rcode.SERVFAIL, QueryLog.Source.ERROR);
        reply.send(WireResponses.local(q, query, Rcode.SERVFAIL, q.type(), java.util.List.of(), 0, config.ednsUdpSize()));
    }

    private Message base(Name question, WireQuery q, int rcode) {
        Message response = new Message(q.id());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RA);
        if (q.recursionDesired()) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.getHeader().setRcode(rcode);
        response.addRecord(Record.newRecord(question, q.type(), DClass.IN), Section.QUESTION);
        if (q.hasOpt()) {
            response.addRecord(new OPTRecord(config.ednsUdpSize(), 0, 0), Section.ADDITIONAL);
        }
        return response;
    }

    /** The question name as the client wrote it (letter case kept). */
    private static Name questionName(byte[] query) {
        try {
            return new Message(query).getQuestion().getName();
        } catch (IOException e) {
            throw new IllegalStateException("a query that passed the fast parser must parse", e);
        }
    }

    private static Record record(Name owner, int type, long ttl, String value) {
        try {
            return switch (type) {
                case Type.CNAME -> new CNAMERecord(owner, DClass.IN, ttl, Name.fromString(value + "."));
                case Type.PTR -> new PTRRecord(owner, DClass.IN, ttl, Name.fromString(value + "."));
                case Type.TXT -> new TXTRecord(owner, DClass.IN, ttl, value);
                case Type.A -> new ARecord(owner, DClass.IN, ttl, InetAddress.getByName(value));
                case Type.AAAA -> new AAAARecord(owner, DClass.IN, ttl, InetAddress.getByName(value));
                default -> throw new IllegalArgumentException("no local records of type " + Type.string(type));
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("bad rule value '" + value + "'", e);
        }
    }
}
