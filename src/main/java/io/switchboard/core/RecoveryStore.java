package io.switchboard.core;

import java.util.concurrent.CompletionStage;

import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Keeps, for one namespace, the log of packets sent to sockets and the sessions of sockets that dropped, so that
 * a reconnecting client gets back its id, rooms, data and every packet it missed. One implementation keeps it in
 * memory (one node); a cluster one keeps it where every node can read it.
 */
public interface RecoveryStore {
    /**
     * Appends an event ({@code [name, ...args]}) sent to the sockets the options select; completes with the offset
     * the packet carries as its last argument. Callers deliver in the order their appends complete.
     */
    CompletionStage<String> append(ArrayNode eventData, BroadcastOptions opts);

    /** The offset of the newest packet (an empty string when there is none). */
    CompletionStage<String> head();

    /** Keeps a dropped socket's session for {@code ttlMillis}. */
    void save(SessionState session, long ttlMillis);

    /**
     * Takes the session of that private id back, with the packets sent after {@code offset} (after the session's
     * connect offset when null) that its rooms selected; completes with null when it expired, is unknown, or the
     * log no longer reaches back to the offset.
     */
    CompletionStage<SessionState.Restored> restore(String pid, String offset);

    default void close() {
    }
}
