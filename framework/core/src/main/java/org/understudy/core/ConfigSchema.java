package org.understudy.core;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.understudy.api.Description;
import org.understudy.api.EnvOverride;

/**
 * The shape of a plugin's configuration record: one {@link Field} per record component, with the
 * default taken from the plugin's default instance. Drives binding, the Web Console form and docs.
 */
public record ConfigSchema(Class<? extends Record> type, String description, List<Field> fields) {

    /** The value types a configuration component may have. */
    public enum FieldType { STRING, INTEGER, LONG, DOUBLE, BOOLEAN, DURATION, ENUM, STRING_LIST }

    /**
     * One configurable component.
     *
     * @param name the property name (the component name)
     * @param type its value type
     * @param defaultText the default, formatted as it would be written in a {@code .cfg} file
     * @param description what it means ({@link Description}), or empty
     * @param env the overriding environment variable ({@link EnvOverride}), or {@code null}
     * @param options the allowed values of an enum, else empty
     * @param secret whether it holds a secret ({@link org.understudy.api.Secret}): never shown
     */
    public record Field(String name, FieldType type, String defaultText, String description, String env,
                        List<String> options, boolean secret) {}

    /** What is shown instead of a secret's value. */
    public static final String MASK = "********";

    /**
     * A configuration record as text for a log line or the status: {@code Type[name=value, ...]} with every
     * secret masked.
     */
    public static String describe(Record config) {
        if (config == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(config.getClass().getSimpleName()).append('[');
        RecordComponent[] components = config.getClass().getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            out.append(i == 0 ? "" : ", ").append(components[i].getName()).append('=').append(shown(config, components[i]));
        }
        return out.append(']').toString();
    }

    /** One component's value as shown: formatted as in a {@code .cfg} file, or the mask for a secret. */
    public static String shown(Record config, RecordComponent c) {
        if (c.isAnnotationPresent(org.understudy.api.Secret.class)) {
            return MASK;
        }
        try {
            return ConfigValues.format(c.getAccessor().invoke(config));
        } catch (ReflectiveOperationException e) {
            return "?";
        }
    }

    public static ConfigSchema of(Class<? extends Record> type, Record defaults) {
        return of(type, defaults, Map.of());
    }

    /**
     * @param implicitEnv environment variables that override components by name, for components that do
     *     not declare their own {@link EnvOverride}
     */
    public static ConfigSchema of(Class<? extends Record> type, Record defaults, Map<String, String> implicitEnv) {
        List<Field> fields = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            FieldType fieldType = fieldType(c);
            Object value;
            try {
                value = c.getAccessor().invoke(defaults);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("cannot read default of " + c.getName(), e);
            }
            Description d = c.getAnnotation(Description.class);
            EnvOverride env = c.getAnnotation(EnvOverride.class);
            List<String> options = new ArrayList<>();
            if (fieldType == FieldType.ENUM) {
                for (Object constant : c.getType().getEnumConstants()) {
                    options.add(((Enum<?>) constant).name());
                }
            }
            boolean secret = c.isAnnotationPresent(org.understudy.api.Secret.class);
            fields.add(new Field(c.getName(), fieldType, secret ? "" : ConfigValues.format(value),
                    d == null ? "" : d.value(), env == null ? implicitEnv.get(c.getName()) : env.value(),
                    List.copyOf(options), secret));
        }
        Description d = type.getAnnotation(Description.class);
        return new ConfigSchema(type, d == null ? "" : d.value(), List.copyOf(fields));
    }

    /** The implicit listener overrides of a plugin kind ({@link org.understudy.api.PluginKind#listenerEnvironment()}). */
    public static Map<String, String> listenerEnvironment(org.understudy.api.PluginKind kind) {
        String prefix = kind.listenerEnvironment();
        return prefix == null ? Map.of() : Map.of("port", prefix + "_PORT", "host", prefix + "_HOST");
    }

    static FieldType fieldType(RecordComponent c) {
        Class<?> t = c.getType();
        if (t == String.class) {
            return FieldType.STRING;
        } else if (t == int.class || t == Integer.class) {
            return FieldType.INTEGER;
        } else if (t == long.class || t == Long.class) {
            return FieldType.LONG;
        } else if (t == double.class || t == Double.class) {
            return FieldType.DOUBLE;
        } else if (t == boolean.class || t == Boolean.class) {
            return FieldType.BOOLEAN;
        } else if (t == Duration.class) {
            return FieldType.DURATION;
        } else if (t.isEnum()) {
            return FieldType.ENUM;
        } else if (t == List.class && c.getGenericType().getTypeName().equals("java.util.List<java.lang.String>")) {
            return FieldType.STRING_LIST;
        }
        throw new IllegalArgumentException("configuration component '" + c.getName() + "' of "
                + c.getDeclaringRecord().getName() + " has unsupported type " + c.getGenericType());
    }
}
