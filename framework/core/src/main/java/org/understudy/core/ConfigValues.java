package org.understudy.core;

import java.lang.reflect.Array;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Converts configuration values (strings from files, typed values from ConfigAdmin) to component types. */
final class ConfigValues {

    private ConfigValues() {
    }

    /** Converts {@code raw} to a value of {@code type}; throws IllegalArgumentException with a clear reason. */
    static Object convert(Object raw, ConfigSchema.FieldType type, Class<?> javaType) {
        if (type == ConfigSchema.FieldType.STRING_LIST) {
            return toList(raw);
        }
        if (raw.getClass().isArray() || raw instanceof Collection) {
            List<String> values = toList(raw);
            if (values.size() != 1) {
                throw new IllegalArgumentException("expected a single value, got " + values);
            }
            raw = values.get(0);
        }
        String text = raw.toString().trim();
        switch (type) {
            case STRING:
                return raw.toString();
            case INTEGER:
                return raw instanceof Number n && !(raw instanceof Double) ? Math.toIntExact(n.longValue())
                        : parse(text, "an integer", Integer::valueOf);
            case LONG:
                return raw instanceof Number n && !(raw instanceof Double) ? n.longValue()
                        : parse(text, "an integer", Long::valueOf);
            case DOUBLE:
                return raw instanceof Number n ? n.doubleValue() : parse(text, "a number", Double::valueOf);
            case BOOLEAN:
                if (raw instanceof Boolean b) {
                    return b;
                }
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return Boolean.valueOf(text);
                }
                throw new IllegalArgumentException("expected true or false, got '" + text + "'");
            case DURATION:
                return org.understudy.api.Durations.parse(text);
            case ENUM:
                return enumValue(javaType, text);
            default:
                throw new IllegalStateException("unhandled type " + type);
        }
    }

    private interface Parser<T> {
        T parse(String s);
    }

    private static <T> T parse(String text, String what, Parser<T> parser) {
        try {
            return parser.parse(text);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("expected " + what + ", got '" + text + "'");
        }
    }

    private static Object enumValue(Class<?> type, String text) {
        for (Object constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equalsIgnoreCase(text)) {
                return constant;
            }
        }
        List<String> names = new ArrayList<>();
        for (Object constant : type.getEnumConstants()) {
            names.add(((Enum<?>) constant).name());
        }
        throw new IllegalArgumentException("expected one of " + names + ", got '" + text + "'");
    }

    static List<String> toList(Object raw) {
        List<String> out = new ArrayList<>();
        if (raw.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(raw); i++) {
                addSplit(out, String.valueOf(Array.get(raw, i)));
            }
        } else if (raw instanceof Collection<?> c) {
            c.forEach(v -> addSplit(out, String.valueOf(v)));
        } else {
            addSplit(out, raw.toString());
        }
        return List.copyOf(out);
    }

    private static void addSplit(List<String> out, String text) {
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
    }

    /** Formats a value the way it would be written in a {@code .cfg} file. */
    static String format(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        if (value instanceof Duration d) {
            return org.understudy.api.Durations.format(d);
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        return value.toString();
    }
}
