package org.understudy.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RulesParserTest {

    @Test
    void theSeedRuleLoads() {
        RulesParser.Result r = RulesParser.parse("A bskybackend.bloomsky.com 192.168.1.122\n");
        assertEquals(List.of(), r.errors());
        RuleSet.NameRules rules = r.rules().find("bskybackend.bloomsky.com").orElseThrow();
        assertEquals("192.168.1.122", rules.byType().get(RuleSet.Type.A).next().text());
        assertTrue(r.rules().find("bskybackend.bloomsky.com.evil").isEmpty(), "never a prefix match");
        assertTrue(r.rules().find("bskybackendxbloomsky.com").isEmpty(), "dots are dots, not regex wildcards");
    }

    @Test
    void everyTypeSelfNoneRoundRobinWildcardsAndComments() {
        RulesParser.Result r = RulesParser.parse(String.join("\n",
                "# comment", "", "   ", "A gw.lan self", "AAAA gw.lan self", "A pool.lan 10.0.0.1, 10.0.0.2",
                "CNAME www.lan pool.lan", "TXT t.lan \"hello world\"", "PTR 1.0.0.127 localhost",
                "A ads.example none", "a *.Wild.LAN. 10.1.1.1  # trailing comment", ""));
        assertEquals(List.of(), r.errors());
        assertEquals(8, r.rules().size());
        RuleSet.Values pool = r.rules().find("pool.lan").orElseThrow().byType().get(RuleSet.Type.A);
        assertEquals(List.of("10.0.0.1", "10.0.0.2", "10.0.0.1"), List.of(pool.next().text(), pool.next().text(), pool.next().text()));
        assertEquals("hello world", r.rules().find("t.lan").orElseThrow().byType().get(RuleSet.Type.TXT).next().text());
        assertEquals("localhost", r.rules().find("1.0.0.127.in-addr.arpa").orElseThrow().byType().get(RuleSet.Type.PTR).next().text());
        assertTrue(r.rules().find("ads.example").orElseThrow().nxdomain());
        assertEquals("10.1.1.1", r.rules().find("a.b.wild.lan").orElseThrow().byType().get(RuleSet.Type.A).next().text());
        assertTrue(r.rules().find("wild.lan").isEmpty());
        assertEquals("self", r.rules().find("gw.lan").orElseThrow().byType().get(RuleSet.Type.AAAA).next().text());
    }

    @Test
    void eachBadLineIsReportedAndTheRestStillLoads() {
        RulesParser.Result r = RulesParser.parse(String.join("\n",
                "A ok.lan 10.0.0.1", "MX mail.lan 10.0.0.2", "A short.lan", "A bad.lan 999.1.1.1",
                "AAAA v6.lan 10.0.0.1", "A ^regex.*$ 10.0.0.3", "CNAME c.lan not_a host", "A also-ok.lan 10.0.0.4"));
        assertEquals("line 7: unexpected text after the value in 'CNAME c.lan not_a host'", r.errors().get(5));
        assertEquals(List.of(
                "line 2: unknown type 'MX' (expected A, AAAA, CNAME, TXT or PTR)",
                "line 3: expected 'TYPE name value', got 'A short.lan'",
                "line 4: A value: not an IP address: '999.1.1.1'",
                "line 5: AAAA value: not an IPv6 address: '10.0.0.1'",
                "line 6: name '^regex.*$' must be an exact name or *.suffix, not a pattern"), r.errors().subList(0, 5));
        assertFalse(r.errors().isEmpty());
        assertTrue(r.rules().find("ok.lan").isPresent());
        assertTrue(r.rules().find("also-ok.lan").isPresent());
        assertTrue(r.rules().find("mail.lan").isEmpty());
    }
}
