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
     * Appends an event ({@code [name, ...args]}) sent to the sockets the options select and returns the offset the
     * packet carries as its last argument. Never waits for a remote store: the offset is assigned here and the
     * entry may be written after the packet went out, so delivery keeps its call order and goes on while the store
     * is slow or away.
     */
    String append(ArrayNode eventData, BroadcastOptions opts);

    /** Where the log stands for a socket connecting now (an empty string when nothing was sent). */
    String head();

    /** Keeps a dropped socket's session for {@code ttlMillis}. */
    void save(SessionState session, long ttlMillis);

    /**
     * The state of a connected socket changed (it connected, joined, left, or its data changed): a store that
     * other nodes read keeps it, so the socket can be recovered even when this node dies without closing it.
     */
    default void update(SessionState session) {
    }

    /** Whether {@link #update} keeps anything: sockets tell a store that does not nothing. */
    default boolean keepsLiveSessions() {
        return false;
    }

    /** The socket closed for good (not recoverably): whatever {@link #update} kept of it goes. */
    default void forget(String pid) {
    }

    /**
     * Takes the session of that private id back, with the packets sent after {@code offset} (after the session's
     * connect offset when null) that its rooms selected; completes with null when it expired, is unknown, or the
     * log no longer reaches back to the offset.
     */
    CompletionStage<SessionState.Restored> restore(String pid, String offset);

    default void close() {
    }
}
