package io.switchboard.adapter.redis;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two Redis connections of one node and what travels over them. ONE pub/sub connection carries every
 * subscription of every namespace (PUBSUB NUMSUB counts connections, so a second one would count as a second
 * node); the other connection publishes and asks NUMSUB. Values are raw bytes: msgpack must not pass a String codec.
 *
 * <p>Messages are handed from Lettuce's I/O thread to one "inbox" thread, in arrival order, so decoding and local
 * delivery never stall Redis reads and the handlers of one node never run concurrently. The same thread runs the
 * request timeouts.
 */
final class RedisLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    /**
     * Commands one connection may hold unwritten or unanswered. A Redis that stops reading (DEBUG SLEEP, a stalled
     * network) while the connection stays open would otherwise let every broadcast pile up in memory; past this,
     * publishing fails at once (logged, rate-limited) until Redis catches up.
     */
    static final int MAX_QUEUED_COMMANDS = 10_000;
    /**
     * Messages from Redis waiting for the inbox thread. Past this a node that cannot keep up drops what arrives
     * (counted, logged) instead of growing its heap without bound.
     */
    static final int MAX_INBOX_MESSAGES = 50_000;
    /** Callbacks waiting for their thread; past this the inbox thread runs them itself, slowing down. */
    static final int MAX_QUEUED_CALLBACKS = 10_000;

    /** Receives the messages of one channel or pattern subscription. */
    @FunctionalInterface
    interface Handler {
        void onMessage(String channel, byte[] message);
    }

    enum Kind { CHANNEL, PATTERN, SHARD }

    /**
     * One subscription an adapter made, with the handler it gave: closing forgets a name only while that handler is
     * still the one registered, so the adapter of a namespace removed and made again never cancels its successor's.
     */
    record Subscription(Kind kind, String name, Handler handler) {
        static Subscription channel(String name, Handler handler) {
            return new Subscription(Kind.CHANNEL, name, handler);
        }

        static Subscription pattern(String name, Handler handler) {
            return new Subscription(Kind.PATTERN, name, handler);
        }

        static Subscription shard(String name, Handler handler) {
            return new Subscription(Kind.SHARD, name, handler);
        }
    }

    private final ClientResources resources;
    private final RedisConnections redis;
    private final ScheduledThreadPoolExecutor inbox;
    /** Runs application code (listeners, future completions), so that it can never stall the inbox thread. */
    private final ExecutorService callbacks;
    private final Map<String, Handler> channels = new ConcurrentHashMap<>();
    private final Map<String, Handler> patterns = new ConcurrentHashMap<>();
    private final Map<String, Handler> shardChannels = new ConcurrentHashMap<>();
    /**
     * Held while a subscription's handler is registered or forgotten and its command issued, so that Redis sees
     * SUBSCRIBE and UNSUBSCRIBE of one name in the order the maps changed (issuing is asynchronous: never blocks).
     */
    private final Object subscriptionLock = new Object();
    /**
     * Names forgotten while the subscriber connection was down or refused the UNSUBSCRIBE: Lettuce subscribes again
     * on reconnection to what Redis had confirmed, so they are unsubscribed then. Guarded by subscriptionLock.
     */
    private final Map<Kind, Set<String>> leftWhileDown = new java.util.EnumMap<>(Kind.class);
    /** UNSUBSCRIBE commands Redis has not confirmed yet; closing waits (briefly) for them. */
    private final Set<CompletableFuture<?>> unsubscribing = ConcurrentHashMap.newKeySet();
    private volatile Thread inboxThread;
    private final RateLimitedLog malformed = new RateLimitedLog(log, "dropped a malformed Redis message", 10_000);
    private final RateLimitedLog failures = new RateLimitedLog(log, "Redis command failed", 10_000);
    private final RateLimitedLog inboxFull = new RateLimitedLog(log,
            "dropped a Redis message: the inbox is full (" + MAX_INBOX_MESSAGES + " waiting)", 10_000);
    private final java.util.concurrent.atomic.AtomicInteger inboxQueued = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

    /** Connects both connections; throws (a Lettuce RedisConnectionException) when Redis cannot be reached. */
    RedisLink(RedisAdapterOptions options) {
        // reconnect attempts back off to at most one a second (Lettuce's default is 30 s): fan-out between nodes
        // should resume soon after Redis does
        this.resources = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        this.inbox = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "switchboard-redis-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            inboxThread = thread;
            return thread;
        });
        inbox.setRemoveOnCancelPolicy(true);
        this.callbacks = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(MAX_QUEUED_CALLBACKS), runnable -> {
                    Thread thread = new Thread(runnable, "switchboard-redis-callbacks-" + THREADS.get());
                    thread.setDaemon(true);
                    return thread;
                }, new java.util.concurrent.ThreadPoolExecutor.CallerRunsPolicy());
        try {
            this.redis = RedisConnections.open(options, resources, new Events());
        } catch (RuntimeException e) {
            inbox.shutdownNow();
            callbacks.shutdown();
            shutdownResources();
            throw e;
        }
    }

    /**
     * The options of every Lettuce client here. Rejecting while disconnected makes cluster operations fail at once
     * instead of queueing until Redis is back; the command timeout bounds how long a caller waits on a half-open or
     * paused connection, and the queue bound how much such a connection can hold.
     */
    static <B extends ClientOptions.Builder> B configure(B builder, RedisAdapterOptions options) {
        builder.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(MAX_QUEUED_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(options.requestsTimeout())))
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build());
        return builder;
    }

    // ---- subscriptions ----

    CompletableFuture<Void> subscribe(String channel, Handler handler) {
        synchronized (subscriptionLock) {
            channels.put(channel, handler);
            return issue(Kind.CHANNEL, channel);
        }
    }

    CompletableFuture<Void> psubscribe(String pattern, Handler handler) {
        synchronized (subscriptionLock) {
            patterns.put(pattern, handler);
            return issue(Kind.PATTERN, pattern);
        }
    }

    CompletableFuture<Void> ssubscribe(String channel, Handler handler) {
        synchronized (subscriptionLock) {
            shardChannels.put(channel, handler);
            return issue(Kind.SHARD, channel);
        }
    }

    private Map<String, Handler> registry(Kind kind) {
        return switch (kind) {
            case CHANNEL -> channels;
            case PATTERN -> patterns;
            case SHARD -> shardChannels;
        };
    }

    private CompletableFuture<Void> issue(Kind kind, String name) {
        // a subscription refused while Redis is away is issued again when the connection comes back
        return logged(redis.subscribe(kind, name), "subscribing to " + name);
    }

    /**
     * Forgets the subscriptions still registered with these handlers and unsubscribes from them, without waiting:
     * callable from an event loop. The returned future completes when Redis confirmed (or failed); {@link #close}
     * waits for those still outstanding, so closing the server leaves none behind.
     */
    CompletableFuture<Void> unsubscribe(java.util.Collection<Subscription> subscriptions) {
        List<CompletableFuture<?>> sent = new java.util.ArrayList<>(3);
        synchronized (subscriptionLock) {
            Map<Kind, List<String>> names = new java.util.EnumMap<>(Kind.class);
            for (Subscription subscription : subscriptions) {
                if (registry(subscription.kind()).remove(subscription.name(), subscription.handler())) {
                    names.computeIfAbsent(subscription.kind(), k -> new java.util.ArrayList<>())
                            .add(subscription.name());
                }
            }
            if (names.isEmpty()) {
                return done();
            }
            if (!redis.subscriberOpen()) {
                names.forEach(this::leaveOnReconnect);
                return done();
            }
            names.forEach((kind, list) -> sent.add(sendUnsubscribe(kind, list)));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(sent.toArray(CompletableFuture<?>[]::new));
        unsubscribing.add(all);
        all.whenComplete((ok, error) -> unsubscribing.remove(all));
        return all;
    }

    /** Issues the command; a refusal (Redis away) leaves the names for the next reconnection. Under the lock. */
    private CompletableFuture<Void> sendUnsubscribe(Kind kind, List<String> list) {
        return logged(redis.unsubscribe(kind, list), "unsubscribing from " + list).whenComplete((ok, error) -> {
            if (error != null && !closed) {
                synchronized (subscriptionLock) {
                    leaveOnReconnect(kind, list);
                }
            }
        });
    }

    private void leaveOnReconnect(Kind kind, List<String> list) {
        leftWhileDown.computeIfAbsent(kind, k -> new java.util.HashSet<>()).addAll(list);
    }

    /** After a reconnection: unsubscribes what was forgotten meanwhile and is not wanted again. Under the lock. */
    private void unsubscribeLeftWhileDown() {
        Map<Kind, Set<String>> left = new java.util.EnumMap<>(leftWhileDown);
        leftWhileDown.clear();
        left.forEach((kind, names) -> {
            List<String> unwanted = names.stream().filter(name -> !registry(kind).containsKey(name)).toList();
            if (!unwanted.isEmpty()) {
                sendUnsubscribe(kind, unwanted);
            }
        });
    }

    private static CompletableFuture<Void> done() {
        return CompletableFuture.completedFuture(null);
    }

    // ---- commands ----

    /** Plain commands, on the connection that also publishes (never the subscriber one). */
    io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands<String, byte[]> commands() {
        return redis.commands();
    }

    // ---- traffic figures, for metrics ----
    private final java.util.concurrent.atomic.LongAdder published = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder received = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder requestTimeouts =
            new java.util.concurrent.atomic.LongAdder();
    private volatile java.util.function.LongConsumer requestLatency = nanos -> { };

    long publishedCount() {
        return published.sum();
    }

    long receivedCount() {
        return received.sum();
    }

    long requestTimeoutCount() {
        return requestTimeouts.sum();
    }

    void onRequestLatency(java.util.function.LongConsumer listener) {
        requestLatency = listener;
    }

    /** A cluster request got all its answers, {@code nanos} after it was sent. */
    void requestCompleted(long nanos) {
        requestLatency.accept(nanos);
    }

    void requestTimedOut() {
        requestTimeouts.increment();
    }

    CompletableFuture<Long> publish(String channel, byte[] message) {
        published.increment();
        return logged(redis.publish(channel, message), "PUBLISH " + channel);
    }

    CompletableFuture<Long> spublish(String channel, byte[] message) {
        published.increment();
        return logged(redis.spublish(channel, message), "SPUBLISH " + channel);
    }

    /** The number of connections subscribed to the channel: PUBSUB NUMSUB, or SHARDNUMSUB for shard channels. */
    CompletableFuture<Integer> numsub(String channel, boolean shard) {
        return redis.numsub(channel, shard);
    }

    /** Logs (rate-limited) when the command fails; for commands nobody waits on. */
    <T> CompletableFuture<T> logged(CompletableFuture<T> future, String what) {
        return future.whenComplete((result, error) -> {
            if (error != null && !closed) {
                failures.record(what + ": " + error.getMessage(), null);
            }
        });
    }

    // ---- the inbox thread ----

    /** Runs the task on the inbox thread after the delay; returns null once closed. */
    ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        try {
            return inbox.schedule(guarded(task), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    void execute(Runnable task) {
        try {
            inbox.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            // closing: nothing is delivered any more
        }
    }

    /** Runs application code in order, off the inbox thread. */
    Executor callbacks() {
        return task -> {
            try {
                callbacks.execute(guarded(task));
            } catch (RejectedExecutionException e) {
                // closed: the application is gone too
            }
        };
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("Redis adapter task failed", e);
            }
        };
    }

    private void dispatch(Handler handler, String channel, byte[] message) {
        if (handler == null || closed) {
            return;
        }
        received.increment();
        if (inboxQueued.incrementAndGet() > MAX_INBOX_MESSAGES) {
            inboxQueued.decrementAndGet();
            inboxFull.record("on " + channel, null);
            return;
        }
        execute(() -> {
            inboxQueued.decrementAndGet();
            try {
                handler.onMessage(channel, message);
            } catch (RuntimeException e) {
                // the wire is never trusted: a bad message costs itself, never the subscription
                malformed.record("on " + channel + ": " + e.getMessage(), e);
            }
        });
    }

    /** How many messages from Redis were dropped because the inbox was full. */
    long inboxDroppedCount() {
        return inboxFull.count();
    }

    /** Counts (and logs, rate-limited) a message a handler refused without throwing. */
    void malformed(String channel, String reason) {
        malformed.record("on " + channel + ": " + reason, null);
    }

    long malformedCount() {
        return malformed.count();
    }

    boolean isConnected() {
        return redis.isConnected();
    }

    /** What the connections tell, on Lettuce's threads. */
    private final class Events implements RedisConnections.Events {
        @Override
        public void message(Kind kind, String subscription, String channel, byte[] message) {
            dispatch(registry(kind).get(subscription), channel, message);
        }

        /**
         * Lettuce subscribes again on reconnection to what Redis had confirmed; this also covers subscriptions that
         * were refused while Redis was down. SUBSCRIBE to a channel the connection already has is a no-op in Redis.
         */
        @Override
        public void subscriberConnected(Object where) {
            if (closed) {
                return;
            }
            log.info("Redis pub/sub connection (re)established to {}", where);
            execute(() -> {
                synchronized (subscriptionLock) {
                    unsubscribeLeftWhileDown();
                    channels.keySet().forEach(name -> issue(Kind.CHANNEL, name));
                    patterns.keySet().forEach(name -> issue(Kind.PATTERN, name));
                    shardChannels.keySet().forEach(name -> issue(Kind.SHARD, name));
                }
            });
        }

        @Override
        public void disconnected(String which) {
            if (!closed) {
                log.warn("Redis {} connection lost; reconnecting", which);
            }
        }
    }

    // ---- shutdown ----

    @Override
    public void close() {
        if (closed) {
            return;
        }
        awaitUnsubscribes();
        closed = true;
        inbox.shutdownNow();
        callbacks.shutdown();
        redis.close();
        shutdownResources();
    }

    /**
     * Lets what the adapters asked before closing reach Redis: tasks already on the inbox (a sharded adapter's room
     * channels), then the UNSUBSCRIBE commands, within a bound; after that they go with the connection anyway.
     */
    private void awaitUnsubscribes() {
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            if (Thread.currentThread() != inboxThread) {
                inbox.submit(() -> { }).get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            long left = Math.max(0, deadline - System.nanoTime());
            CompletableFuture.allOf(unsubscribing.toArray(CompletableFuture<?>[]::new))
                    .get(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("Redis did not confirm every unsubscription before closing; they go with the connection", e);
        }
    }

    private void shutdownResources() {
        resources.shutdown(0, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
