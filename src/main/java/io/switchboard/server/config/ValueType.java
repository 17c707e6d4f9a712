package io.switchboard.server.config;

import com.fasterxml.jackson.databind.JsonNode;

/** How an option's value is read from YAML (or from an environment variable's text) and printed back. */
interface ValueType<T> {
    /** The value of a present, non-null node. */
    T parse(JsonNode node) throws InvalidValue;

    /** The text of an environment variable or a command line option as a node for {@link #parse}. */
    JsonNode fromText(String text) throws InvalidValue;

    /** The value as YAML would hold it. */
    JsonNode render(T value);

    /** What is allowed, for messages, e.g. "an integer from 0 to 65535". */
    String describe();
}
