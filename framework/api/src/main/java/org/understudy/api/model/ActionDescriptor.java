package org.understudy.api.model;

import java.util.List;
import java.util.Objects;

/**
 * Something that can be done with a device (switch a plug's relay, take a camera's snapshot), as its profile
 * offers it: a name, what it does, and its typed parameters.
 *
 * @param name the action's name, unique per device: lowercase letters, digits and '-'
 * @param description what it does, for people
 * @param parameters what it takes, in order
 */
public record ActionDescriptor(String name, String description, List<Parameter> parameters) {

    /** The type of a parameter's value, as it arrives in JSON. */
    public enum Type { STRING, INTEGER, NUMBER, BOOLEAN, CHOICE }

    /**
     * One parameter.
     *
     * @param name its name in the request's JSON object
     * @param type its value's type
     * @param required whether it must be given
     * @param description what it means
     * @param options the allowed values of a {@code CHOICE}, else empty
     */
    public record Parameter(String name, Type type, boolean required, String description, List<String> options) {
        public Parameter {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            description = description == null ? "" : description;
            options = options == null ? List.of() : List.copyOf(options);
            if (type == Type.CHOICE && options.isEmpty()) {
                throw new IllegalArgumentException("a CHOICE parameter needs its options");
            }
        }
    }

    public ActionDescriptor {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("action name must be lowercase letters, digits and '-', got '" + name + "'");
        }
        description = description == null ? "" : description;
        parameters = parameters == null ? List.of() : List.copyOf(parameters);
    }

    /** An action without parameters. */
    public static ActionDescriptor of(String name, String description) {
        return new ActionDescriptor(name, description, List.of());
    }
}
