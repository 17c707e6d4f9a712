package io.switchboard.engine;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * How the nodes of a cluster engine reach each other: directed messages to one node, named by the tag that begins
 * the ids of the sessions it owns. The engine asks it nothing else; the Redis adapter implements it over pub/sub.
 *
 * <p>Messages from one node to another must arrive in the order they were sent, and the receiver may be called on
 * any thread (the engine hops to the right loop itself). Nothing here may block.
 */
public interface ClusterLink {
    /** Characters of the node tag at the start of every session id a cluster node hands out. */
    int NODE_TAG_LENGTH = 6;

    /** This node's tag: {@link #NODE_TAG_LENGTH} base64url characters, random per start. */
    String nodeTag();

    /** Starts delivering the messages sent to this node; completes once they can arrive. */
    CompletionStage<Void> start(Consumer<ClusterMessage> receiver);

    /**
     * Sends a message to the node with the tag. Completes with true when a node took it, false when none listens
     * under that tag (it is gone); fails when the link cannot say (the broker is unreachable or too slow).
     */
    CompletionStage<Boolean> send(String nodeTag, ClusterMessage message);

    /** Whether a node listens under the tag now; fails when the link cannot say. */
    CompletionStage<Boolean> present(String nodeTag);

    /** Stops delivering; messages still to come are dropped. */
    void stop();
}
