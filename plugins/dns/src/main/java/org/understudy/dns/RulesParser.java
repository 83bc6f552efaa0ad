package org.understudy.dns;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.understudy.api.model.HostPattern;

/**
 * Parses the rules file: one rule per line, {@code TYPE name value[,value...]}, with TYPE one of A, AAAA,
 * CNAME, TXT, PTR; the value {@code self} (A and AAAA: the address the query arrived on) or {@code none}
 * (the name does not exist); names exact or {@code *.suffix}, never regular expressions; blank lines and
 * {@code #} comments allowed. A TXT value is the rest of the line. A PTR name may be written as the
 * reversed address ({@code 1.0.0.127}), {@code .in-addr.arpa} is then implied. A bad line is reported
 * with its number and reason; the other lines still load.
 */
final class RulesParser {

    /** The outcome: the rules that loaded and one message per line that did not. */
    record Result(RuleSet rules, List<String> errors) {}

    private RulesParser() {
    }

    static Result parse(String text) {
        Map<String, Map<RuleSet.Type, List<String>>> values = new LinkedHashMap<>();
        Map<String, Boolean> nxdomain = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        int count = 0;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                String[] parts = line.split("\\s+", 3);
                if (parts.length < 3) {
                    throw new IllegalArgumentException("expected 'TYPE name value', got '" + line + "'");
                }
                RuleSet.Type type = type(parts[0]);
                String name = name(parts[1], type);
                String value = stripComment(parts[2]);
                if (type != RuleSet.Type.TXT) {
                    value = value.replaceAll("\\s*,\\s*", ",");
                    if (value.matches(".*\\s.*")) {
                        throw new IllegalArgumentException("unexpected text after the value in '" + line + "'");
                    }
                }
                if (value.equalsIgnoreCase("none")) {
                    nxdomain.put(name, true);
                } else {
                    List<String> list = type == RuleSet.Type.TXT ? List.of(unquote(value)) : splitValues(value, type);
                    values.computeIfAbsent(name, n -> new LinkedHashMap<>())
                            .computeIfAbsent(type, t -> new ArrayList<>()).addAll(list);
                }
                count++;
            } catch (IllegalArgumentException e) {
                errors.add("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        List<RuleSet.NameRules> names = new ArrayList<>();
        for (String name : union(values.keySet(), nxdomain.keySet())) {
            Map<RuleSet.Type, RuleSet.Values> byType = new LinkedHashMap<>();
            values.getOrDefault(name, Map.of()).forEach((t, v) -> byType.put(t, new RuleSet.Values(v)));
            names.add(new RuleSet.NameRules(HostPattern.of(name), nxdomain.getOrDefault(name, false), byType));
        }
        return new Result(new RuleSet(names, count), List.copyOf(errors));
    }

    private static RuleSet.Type type(String text) {
        try {
            return RuleSet.Type.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown type '" + text + "' (expected A, AAAA, CNAME, TXT or PTR)");
        }
    }

    private static String name(String text, RuleSet.Type type) {
        String name = HostPattern.normalise(text);
        if (type == RuleSet.Type.PTR && name.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            name = name + ".in-addr.arpa";
        }
        if (name.contains("*") && !name.startsWith("*.") || name.matches(".*[\\\\^$()\\[\\]{}|+?].*")) {
            throw new IllegalArgumentException("name '" + text + "' must be an exact name or *.suffix, not a pattern");
        }
        return HostPattern.of(name).pattern();
    }

    private static List<String> splitValues(String value, RuleSet.Type type) {
        List<String> out = new ArrayList<>();
        for (String v : value.split(",")) {
            String item = v.strip();
            if (item.isEmpty()) {
                throw new IllegalArgumentException("empty value in '" + value + "'");
            }
            switch (type) {
                case A -> {
                    if (!item.equalsIgnoreCase("self")) {
                        Addresses.parseIpv4(item, "A value");
                    }
                }
                case AAAA -> {
                    if (!item.equalsIgnoreCase("self")) {
                        Addresses.parseIpv6(item, "AAAA value");
                    }
                }
                case CNAME, PTR -> HostPattern.of(item);
                default -> { }
            }
            out.add(item.equalsIgnoreCase("self") ? "self" : item);
        }
        return out;
    }

    private static String stripComment(String text) {
        int hash = text.indexOf(" #");
        return (hash >= 0 ? text.substring(0, hash) : text).strip();
    }

    private static String unquote(String text) {
        return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"") ? text.substring(1, text.length() - 1) : text;
    }

    private static List<String> union(java.util.Collection<String> a, java.util.Collection<String> b) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
