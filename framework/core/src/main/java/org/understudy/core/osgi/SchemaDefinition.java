package org.understudy.core.osgi;

import java.io.InputStream;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.understudy.core.ConfigSchema;

/** A Metatype object class definition derived from a plugin's configuration record. */
final class SchemaDefinition implements ObjectClassDefinition {

    private final String pid;
    private final ConfigSchema schema;
    private final AttributeDefinition[] attributes;

    SchemaDefinition(String pid, ConfigSchema schema) {
        this.pid = pid;
        this.schema = schema;
        this.attributes = schema.fields().stream().map(FieldDefinition::new).toArray(AttributeDefinition[]::new);
    }

    @Override
    public String getName() {
        return pid;
    }

    @Override
    public String getID() {
        return pid;
    }

    @Override
    public String getDescription() {
        return schema.description().isEmpty() ? "Configuration of " + pid : schema.description();
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
