package org.understudy.core.osgi;

import java.io.InputStream;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.understudy.core.ConfigSchema;
import org.understudy.core.PluginRuntime;

/** A Metatype object class definition derived from a plugin's configuration record. */
final class SchemaDefinition implements ObjectClassDefinition {

    private final String pid;
    private final ConfigSchema schema;
    private final PluginRuntime.ConfigNotes notes;
    private final AttributeDefinition[] attributes;

    /** @param notes the title, the last rejection and the environment overrides, as they are now */
    SchemaDefinition(String pid, ConfigSchema schema, PluginRuntime.ConfigNotes notes) {
        this.pid = pid;
        this.schema = schema;
        this.notes = notes;
        this.attributes = schema.fields().stream().map(f -> new FieldDefinition(f, notes.overrides().get(f.name())))
                .toArray(AttributeDefinition[]::new);
    }

    @Override
    public String getName() {
        return notes.title();
    }

    @Override
    public String getID() {
        return pid;
    }

    @Override
    public String getDescription() {
        StringBuilder text = new StringBuilder(schema.description().isEmpty() ? "Configuration of " + pid : schema.description());
        text.append(" (pid ").append(pid).append(')');
        if (!notes.rejected().isEmpty()) {
            text.append(" -- THE LAST CONFIGURATION WAS REJECTED, the previous one stays in force: ")
                    .append(String.join("; ", notes.rejected()));
        }
        if (!notes.overrides().isEmpty()) {
            text.append(" -- Overridden now by the environment: ").append(String.join(", ", notes.overrides().entrySet().stream()
                    .map(e -> e.getKey() + " by " + e.getValue()).toList())).append(" (the values in the form are not in force)");
        }
        return text.toString();
    }

    @Override
    public AttributeDefinition[] getAttributeDefinitions(int filter) {
        return filter == OPTIONAL ? new AttributeDefinition[0] : attributes.clone();
    }

    @Override
    public InputStream getIcon(int size) {
        return null;
    }
}
