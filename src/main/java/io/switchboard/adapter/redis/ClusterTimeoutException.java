package io.switchboard.adapter.redis;

import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Not every node answered a cluster request in time. Carries what did arrive, as the Node adapter hands the partial
 * responses to the callback along with its error.
 */
public final class ClusterTimeoutException extends RuntimeException {
    private final transient ArrayNode responses;

    public ClusterTimeoutException(String message, ArrayNode responses) {
        super(message, null, false, false);
        this.responses = responses;
    }

    /** The responses that arrived before the timeout (may be empty, never null). */
    public ArrayNode responses() {
        return responses;
    }
}
