package io.switchboard.server.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/** Presence of one node: the counts are this node's sockets; last-seen times are kept {@code lastSeenRetention} ms. */
public final class InMemoryPresenceStore implements PresenceStore {
    private final long lastSeenRetention;
    private final LongSupplier clock;
    private final Map<String, Integer> counts = new HashMap<>();
    private final Map<String, List<String>> orgs = new HashMap<>();
    private final Map<String, Long> lastSeen = new HashMap<>();
    /** The orgs of the users in {@link #lastSeen}, for who may see them. */
    private final Map<String, List<String>> seenOrgs = new HashMap<>();
    private Listener listener = transition -> { };
    private long lastPrune;
    private boolean closed;

    public InMemoryPresenceStore(long lastSeenRetention) {
        this(lastSeenRetention, System::currentTimeMillis);
    }

    InMemoryPresenceStore(long lastSeenRetention, LongSupplier clock) {
        this.lastSeenRetention = lastSeenRetention;
        this.clock = clock;
    }

    @Override
    public synchronized void start(Listener listener) {
        this.listener = listener;
    }

    @Override
    public synchronized void connected(String userId, List<String> userOrgs) {
        if (closed) {
            return;
        }
        int count = counts.merge(userId, 1, Integer::sum);
        if (count == 1) {
            orgs.put(userId, List.copyOf(userOrgs));
            listener.transition(new Transition(userId, true, clock.getAsLong(), List.copyOf(userOrgs)));
        }
    }

    @Override
    public synchronized void disconnected(String userId) {
        if (closed) {
            return;
        }
        Integer count = counts.get(userId);
        if (count == null) {
            return;
        }
        if (count > 1) {
            counts.put(userId, count - 1);
            return;
        }
        counts.remove(userId);
        long now = clock.getAsLong();
        lastSeen.put(userId, now);
        pruneLastSeen(now);
        List<String> userOrgs = orgs.remove(userId);
        seenOrgs.put(userId, userOrgs == null ? List.of() : userOrgs);
        listener.transition(new Transition(userId, false, now, userOrgs == null ? List.of() : userOrgs));
    }

    @Override
    public synchronized CompletableFuture<List<UserPresence>> query(List<String> userIds) {
        long now = clock.getAsLong();
        pruneLastSeen(now);
        List<UserPresence> result = new ArrayList<>(userIds.size());
        for (String userId : userIds) {
            int count = counts.getOrDefault(userId, 0);
            Long seen = lastSeen.get(userId);
            if (seen != null && seen + lastSeenRetention <= now) {
                seen = null;
            }
            List<String> userOrgs = count > 0 ? orgs.get(userId) : seen == null ? null : seenOrgs.get(userId);
            result.add(new UserPresence(userId, count > 0, count, count > 0 ? null : seen, userOrgs));
        }
        return CompletableFuture.completedFuture(result);
    }

    /** Drops expired last-seen times, at most once a second (a query checks the expiry of what it answers). */
    private void pruneLastSeen(long now) {
        if (now - lastPrune < 1_000) {
            return;
        }
        lastPrune = now;
        for (Iterator<Map.Entry<String, Long>> times = lastSeen.entrySet().iterator(); times.hasNext(); ) {
            Map.Entry<String, Long> time = times.next();
            if (time.getValue() + lastSeenRetention <= now) {
                seenOrgs.remove(time.getKey());
                times.remove();
            }
        }
    }

    /** On a single node the server's shutdown takes every socket, and with it every user, offline. */
    @Override
    public synchronized void close() {
        closed = true;
    }
}
