package io.switchboard.adapter.redis;

import java.util.concurrent.CompletableFuture;

import io.switchboard.core.Adapter;

/** What both Redis adapters (classic and sharded) tell about themselves beyond the core {@link Adapter}. */
public interface RedisClusterAdapter extends Adapter {
    /** This adapter's id on the wire (one per namespace and node). */
    String uid();

    /** Completes when Redis confirmed the namespace's subscriptions (a node is counted from then on). */
    CompletableFuture<Void> subscribed();

    /** How many malformed messages this node dropped (all namespaces). */
    long malformedCount();
}
