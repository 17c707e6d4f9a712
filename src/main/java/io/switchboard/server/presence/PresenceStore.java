package io.switchboard.server.presence;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Counts the connected sockets of each user and decides the online/offline transitions: {@link
 * InMemoryPresenceStore} for one node, {@link RedisPresenceStore} for a cluster (each transition reported by exactly
 * one node). {@link #connected} and {@link #disconnected} never block and never fail: a store that cannot reach its
 * backing service keeps counting locally and catches up later.
 */
public interface PresenceStore extends AutoCloseable {
    /** Receives the transitions this node is the one to announce. */
    @FunctionalInterface
    interface Listener {
        void transition(Transition transition);
    }

    /** A user went online (first socket anywhere) or offline (last socket gone, or its node died) at {@code at} ms. */
    record Transition(String userId, boolean online, long at, List<String> orgs) {
        public String status() {
            return online ? "online" : "offline";
        }
    }

    /**
     * What a query answers about one user; {@code lastSeen} (ms) only for an offline user seen recently;
     * {@code orgs} the user's orgs while online or seen recently, else empty (who may see them depends on it).
     */
    record UserPresence(String userId, boolean online, long connections, Long lastSeen, List<String> orgs) {
        public UserPresence {
            orgs = orgs == null ? List.of() : List.copyOf(orgs);
        }
    }

    /** Starts (registers the node, schedules the liveness refresh); transitions go to the listener from then on. */
    void start(Listener listener);

    /** A socket of the user connected on this node; {@code orgs} are the user's orgs (for the announcement). */
    void connected(String userId, List<String> orgs);

    /** A socket of the user disconnected from this node. */
    void disconnected(String userId);

    /** The presence of each user, in the order given, cluster-wide. */
    CompletableFuture<List<UserPresence>> query(List<String> userIds);

    /** Takes this node's sockets out (announcing who goes offline) and stops. */
    @Override
    void close();
}
