package io.switchboard.engine;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a handshake may open a session, like the reference {@code allowRequest} option.
 * A refusal answers the client with HTTP 403 {"code":4,"message":...}.
 */
@FunctionalInterface
public interface AllowRequest {
    /** @return a stage completing with null to allow, or with the refusal message */
    CompletionStage<String> check(HandshakeRequest request);
}
