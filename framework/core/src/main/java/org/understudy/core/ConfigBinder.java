package org.understudy.core;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Maps a configuration dictionary onto a plugin's configuration record: defaults first, then the
 * configured properties, then environment overrides, then the record's own validation.
 */
public final class ConfigBinder {

    private final Function<String, String> environment;

    /** @param environment looks up environment variables ({@code System::getenv} in production) */
    public ConfigBinder(Function<String, String> environment) {
        this.environment = environment;
    }

    /**
     * The outcome of a binding: the record, or the reasons it was rejected.
     *
     * @param config the bound record, {@code null} when rejected
     * @param errors why it was rejected, one per problem
     * @param warnings problems that did not reject it (unknown properties)
     */
    public record Result<C extends Record>(C config, List<String> errors, List<String> warnings) {
        public boolean valid() {
            return config != null;
        }
    }

    /** The environment variable that overrides component {@code c}, or {@code null}. */
    static String envVariable(RecordComponent c, Map<String, String> implicitEnv) {
        org.understudy.api.EnvOverride env = c.getAnnotation(org.understudy.api.EnvOverride.class);
        return env != null ? env.value() : implicitEnv.get(c.getName());
    }

    /** The overrides in force now: component name to the variable and its value, for the console and status. */
    public Map<String, String> overridesInForce(Class<? extends Record> type, Map<String, String> implicitEnv) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            String variable = envVariable(c, implicitEnv);
            String value = variable == null ? null : environment.apply(variable);
            if (value != null && !value.isBlank()) {
                out.put(c.getName(), variable + "=" + value);
            }
        }
        return out;
    }

    public <C extends Record> Result<C> bind(Class<C> type, C defaults, Map<String, ?> properties) {
        return bind(type, defaults, properties, Map.of());
    }

    /**
     * @param implicitEnv environment variables overriding components by name, for components without
     *     their own {@link org.understudy.api.EnvOverride}
     */
    public <C extends Record> Result<C> bind(Class<C> type, C defaults, Map<String, ?> properties,
                                             Map<String, String> implicitEnv) {
        List<String> overridden = new ArrayList<>();
        Result<C> effective = bind(type, defaults, properties, implicitEnv, true, overridden);
        if (!effective.valid() || overridden.isEmpty()) {
            return effective;
        }
        // An environment variable hides the configured value only while it is set: a configuration that could not
        // be applied without it is refused now, not found out at the next start without the variable.
        Result<C> configured = bind(type, defaults, properties, implicitEnv, false, new ArrayList<>());
        if (configured.valid()) {
            return effective;
        }
        List<String> errors = new ArrayList<>();
        for (String e : configured.errors()) {
            errors.add(e + " (" + String.join(", ", overridden) + " override" + (overridden.size() == 1 ? "s" : "")
                    + " it for now, but a saved value must be valid too)");
        }
        return new Result<>(null, List.copyOf(errors), effective.warnings());
    }

    private <C extends Record> Result<C> bind(Class<C> type, C defaults, Map<String, ?> properties,
                                              Map<String, String> implicitEnv, boolean useEnv, List<String> overridden) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        List<String> errors = new ArrayList<>();
        Set<String> known = new TreeSet<>();
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            known.add(c.getName());
            try {
                values[i] = c.getAccessor().invoke(defaults);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            ConfigSchema.FieldType fieldType = ConfigSchema.fieldType(c);
            Object raw = properties.get(c.getName());
            String source = "property '" + c.getName() + "'";
            String variable = envVariable(c, implicitEnv);
            if (variable != null && useEnv) {
                String fromEnv = environment.apply(variable);
                if (fromEnv != null && !fromEnv.isBlank()) {
                    if (raw != null) {
                        overridden.add(variable);
                    }
                    raw = fromEnv;
                    source = "environment variable " + variable + " (for '" + c.getName() + "')";
                }
            }
            if (raw == null || (raw instanceof String s && s.isBlank() && fieldType != ConfigSchema.FieldType.STRING
                    && fieldType != ConfigSchema.FieldType.STRING_LIST)) {
                continue;
            }
            try {
                values[i] = ConfigValues.convert(raw, fieldType, c.getType());
            } catch (IllegalArgumentException e) {
                errors.add(source + ": " + e.getMessage());
            }
        }
        List<String> warnings = new ArrayList<>();
        for (String key : properties.keySet()) {
            if (!known.contains(key) && !key.contains(".")) {
                warnings.add("unknown property '" + key + "' ignored (known: " + String.join(", ", known) + ")");
            }
        }
        if (!errors.isEmpty()) {
            return new Result<>(null, List.copyOf(errors), List.copyOf(warnings));
        }
        try {
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
            }
            Constructor<C> canonical = type.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return new Result<>(canonical.newInstance(values), List.of(), List.copyOf(warnings));
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return new Result<>(null, List.of(message), List.copyOf(warnings));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }
}
