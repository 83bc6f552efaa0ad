package org.understudy.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.understudy.api.ProfileDirectory;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Answers that never leave the box: the rules file first (an administrator's explicit word), then the
 * names running device profiles intercept or pass TLS through for. For such a name only A (and AAAA when an IPv6
 * address is configured) have data; every other type, HTTPS and SVCB included, answers NOERROR without
 * data, so no real vendor address ever reaches the device.
 */
final class LocalAnswers {

    /**
     * A local answer.
     *
     * @param source rule or intercepted
     * @param rcode NOERROR or NXDOMAIN
     * @param rrType the type of the answer records (the question's type, or CNAME)
     * @param addresses address bytes for A/AAAA answers
     * @param names target names (CNAME, PTR) or texts (TXT)
     */
    record Local(QueryLog.Source source, int rcode, int rrType, List<byte[]> addresses, List<String> names) {}

    private final ProfileDirectory profiles;
    private final byte[] answerV4;
    private final byte[] answerV6;
    private volatile RuleSet rules = RuleSet.EMPTY;

    LocalAnswers(ProfileDirectory profiles, DnsConfig config) {
        this.profiles = profiles;
        this.answerV4 = config.answerAddress().equals("self") ? null
                : Addresses.parseIpv4(config.answerAddress(), "answerAddress").getAddress();
        this.answerV6 = config.answerAddressV6().isEmpty() ? null
                : Addresses.parseIpv6(config.answerAddressV6(), "answerAddressV6").getAddress();
    }

    void rules(RuleSet rules) {
        this.rules = rules;
    }

    RuleSet rules() {
        return rules;
    }

    /**
     * The local answer for {@code name} (lowercase, no trailing dot) and {@code type}, or empty when the
     * name is not ours and must be forwarded. {@code local} is the address the query arrived on.
     */
    Optional<Local> answer(String name, int type, InetAddress local) {
        Optional<RuleSet.NameRules> rule = rules.find(name);
        if (rule.isPresent()) {
            return Optional.of(fromRules(rule.get(), type, local));
        }
        // a name a profile passes TLS through for must reach the gateway too, or there is nothing to pass through
        if (profiles.claimsNormalised(name)) {
            return Optional.of(intercepted(type, local));
        }
        return Optional.empty();
    }

    private Local intercepted(int type, InetAddress local) {
        byte[] address = null;
        if (type == Type.A) {
            address = answerV4 != null ? answerV4 : local instanceof Inet4Address ? local.getAddress() : null;
        } else if (type == Type.AAAA) {
            address = answerV6;
        }
        return new Local(QueryLog.Source.INTERCEPTED, Rcode.NOERROR, type,
                address == null ? List.of() : List.of(address), List.of());
    }

    private static Local fromRules(RuleSet.NameRules rules, int type, InetAddress local) {
        if (rules.nxdomain()) {
            return new Local(QueryLog.Source.RULE, Rcode.NXDOMAIN, type, List.of(), List.of());
        }
        RuleSet.Values cname = rules.byType().get(RuleSet.Type.CNAME);
        if (cname != null && type != Type.CNAME) {
            return new Local(QueryLog.Source.RULE, Rcode.NOERROR, Type.CNAME, List.of(), List.of(cname.next().text()));
        }
        RuleSet.Type ruleType = switch (type) {
            case Type.A -> RuleSet.Type.A;
            case Type.AAAA -> RuleSet.Type.AAAA;
            case Type.CNAME -> RuleSet.Type.CNAME;
            case Type.TXT -> RuleSet.Type.TXT;
            case Type.PTR -> RuleSet.Type.PTR;
            default -> null;
        };
        RuleSet.Values values = ruleType == null ? null : rules.byType().get(ruleType);
        if (values == null) {
            return new Local(QueryLog.Source.RULE, Rcode.NOERROR, type, List.of(), List.of());
        }
        RuleSet.Value value = values.next();
        if (ruleType == RuleSet.Type.A || ruleType == RuleSet.Type.AAAA) {
            byte[] address;
            if (value.text().equals("self")) {
                boolean matches = ruleType == RuleSet.Type.A ? local instanceof Inet4Address : local instanceof Inet6Address;
                address = matches ? local.getAddress() : null;
            } else {
                address = value.address();
            }
            return new Local(QueryLog.Source.RULE, Rcode.NOERROR, type, address == null ? List.of() : List.of(address), List.of());
        }
        return new Local(QueryLog.Source.RULE, Rcode.NOERROR, type, List.of(), List.of(value.text()));
    }
}
