package org.understudy.dns;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.understudy.api.model.HostIndex;
import org.understudy.api.model.HostPattern;

/**
 * The static rules of {@code conf/dns.rules}, indexed for lookup: exact names in a hash map, wildcards
 * longest suffix first. Immutable apart from the round-robin positions.
 */
final class RuleSet {

    /** Record types a rule may give. */
    enum Type { A, AAAA, CNAME, TXT, PTR }

    /**
     * One answer of a rule: its text, and for an IP literal its address bytes, parsed once when the rules
     * load rather than on every query (else {@code null}: {@code self}, a name, a text).
     */
    record Value(String text, byte[] address) {}

    /** The answers of one type for one name; {@link #next()} rotates through them. */
    static final class Values {
        private final List<Value> values;
        private final AtomicInteger position = new AtomicInteger();

        Values(List<String> values) {
            this.values = values.stream().map(v -> new Value(v, literalAddress(v))).toList();
        }

        Value next() {
            return values.get(Math.floorMod(position.getAndIncrement(), values.size()));
        }

        private static byte[] literalAddress(String value) {
            try {
                return org.understudy.api.Endpoints.literalAddress(value, "rule").getAddress();
            } catch (IllegalArgumentException notAnAddress) {
                return null;
            }
        }
    }

    /**
     * Everything the rules say about one name pattern.
     *
     * @param nxdomain a {@code none} rule: the name does not exist
     * @param byType answers per record type; a type without rules answers no data
     */
    record NameRules(HostPattern pattern, boolean nxdomain, Map<Type, Values> byType) {}

    static final RuleSet EMPTY = new RuleSet(List.of(), 0);

    private final HostIndex<NameRules> index;
    private final int ruleCount;

    /** @param names the rules of each name pattern (one entry per pattern) */
    RuleSet(List<NameRules> names, int ruleCount) {
        this.index = HostIndex.of(names.stream().map(r -> Map.entry(r.pattern(), r)).toList());
        this.ruleCount = ruleCount;
    }

    /** The rules for {@code name} (lowercase, without trailing dot), if any. */
    Optional<NameRules> find(String name) {
        return index.findNormalised(name);
    }

    int size() {
        return ruleCount;
    }

}
