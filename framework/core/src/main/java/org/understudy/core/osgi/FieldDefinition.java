package org.understudy.core.osgi;

import org.osgi.service.metatype.AttributeDefinition;
import org.understudy.core.ConfigSchema;
import org.understudy.core.ConfigSchema.Field;

/** One Web Console form field, derived from a configuration record component. */
final class FieldDefinition implements AttributeDefinition {

    private final Field field;
    private final String overriddenBy;

    /** @param overriddenBy {@code VARIABLE=value} when the environment overrides the field now, else null */
    FieldDefinition(Field field, String overriddenBy) {
        this.field = field;
        this.overriddenBy = overriddenBy;
    }

    @Override
    public String getName() {
        return overriddenBy == null ? field.name() : field.name() + " (overridden: " + overriddenBy + ")";
    }

    @Override
    public String getID() {
        return field.name();
    }

    @Override
    public String getDescription() {
        String text = field.description();
        if (field.type() == ConfigSchema.FieldType.DURATION) {
            text += " (duration: 500ms, 5s, 2m, 1h, 7d or ISO-8601)";
        } else if (field.type() == ConfigSchema.FieldType.STRING_LIST) {
            text += " (comma-separated list)";
        }
        if (overriddenBy != null) {
            text += " NOT IN FORCE: overridden now by the environment (" + overriddenBy + "); this value applies once "
                    + field.env() + " is unset.";
        } else if (field.env() != null) {
            text += " Overridden by the environment variable " + field.env() + " when it is set.";
        }
        return text;
    }

    @Override
    public int getCardinality() {
        return 0;
    }

    @Override
    public int getType() {
        if (field.secret()) {
            return PASSWORD;
        }
        return switch (field.type()) {
            case INTEGER -> INTEGER;
            case LONG -> LONG;
            case DOUBLE -> DOUBLE;
            case BOOLEAN -> BOOLEAN;
            default -> STRING;
        };
    }

    @Override
    public String[] getOptionValues() {
        return field.options().isEmpty() ? null : field.options().toArray(String[]::new);
    }

    @Override
    public String[] getOptionLabels() {
        return getOptionValues();
    }

    @Override
    public String validate(String value) {
        return ""; // validated by the runtime as a whole record, with a message per problem
    }

    @Override
    public String[] getDefaultValue() {
        return new String[] {field.defaultText()};
    }
}
