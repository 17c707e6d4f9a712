package io.switchboard.core;

import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Receives the answer to an emit that asked for an acknowledgement: the arguments the peer acked with, or an
 * {@link AckTimeoutException} when no answer came in time.
 */
@FunctionalInterface
public interface AckCallback {
    void onAck(Throwable error, ArrayNode args);
}
