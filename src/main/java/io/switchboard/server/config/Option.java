package io.switchboard.server.config;

import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * One configuration option: its dotted key in the YAML file, the environment variable that overrides it, its
 * default, and how its values are read and printed. Secrets are masked when printed.
 */
public final class Option<T> {
    private final String key;
    private final String env;
    private final T defaultValue;
    private final ValueType<T> type;
    private final UnaryOperator<String> mask;
    private final String help;

    Option(String key, T defaultValue, ValueType<T> type, UnaryOperator<String> mask, String help) {
        this.key = key;
        this.env = ConfigKeys.envName(key);
        this.defaultValue = defaultValue;
        this.type = type;
        this.mask = mask;
        this.help = help;
    }

    /** The dotted key, e.g. {@code auth.clockSkewSeconds}. */
    public String key() {
        return key;
    }

    /** The environment variable that overrides it, e.g. {@code SWITCHBOARD_AUTH_CLOCK_SKEW_SECONDS}. */
    public String env() {
        return env;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String help() {
        return help;
    }

    /** What values are allowed, e.g. "an integer from 0 to 65535". */
    public String allowed() {
        return type.describe();
    }

    public boolean secret() {
        return mask != null;
    }

    T parse(JsonNode node) throws InvalidValue {
        return type.parse(node);
    }

    JsonNode fromText(String text) throws InvalidValue {
        return type.fromText(text);
    }

    /** The text as it may be shown: secrets hidden, passwords in URLs replaced. */
    String maskText(String text) {
        return mask == null ? text : mask.apply(text);
    }

    @SuppressWarnings("unchecked")
    JsonNode render(Object value, boolean masked) {
        JsonNode node = type.render((T) value);
        if (!masked || mask == null) {
            return node;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(mask.apply(node.asText()));
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(mask.apply(array.get(i).asText())));
                }
            }
        }
        return node;
    }

    @Override
    public String toString() {
        return key;
    }
}
