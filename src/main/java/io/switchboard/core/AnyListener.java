package io.switchboard.core;

import com.fasterxml.jackson.databind.node.ArrayNode;

/** Sees every event of a socket, incoming ({@code onAny}) or outgoing ({@code onAnyOutgoing}). */
@FunctionalInterface
public interface AnyListener {
    void handle(String event, ArrayNode args);
}
