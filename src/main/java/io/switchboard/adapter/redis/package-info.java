/**
 * The Redis adapter: Switchboard nodes, Node socket.io servers with {@code @socket.io/redis-adapter} 8.x and
 * {@code @socket.io/redis-emitter} 5.x form one cluster over one Redis (wire format:
 * docs/redis-adapter-wire-format.md).
 *
 * <pre>
 * RedisAdapterFactory redis = RedisAdapterFactory.connect(RedisAdapterOptions.fromEnvironment(System.getenv()));
 * Server server = new Server(new ServerOptions().adapter(redis));
 * </pre>
 *
 * <p>{@link io.switchboard.adapter.redis.RedisAdapter} speaks the classic protocol (PUBLISH/SUBSCRIBE, the emitter's
 * too); {@link io.switchboard.adapter.redis.ShardedRedisAdapter} the sharded one (SPUBLISH/SSUBSCRIBE, Redis 7,
 * {@code RedisAdapterOptions.sharded(true)}). Both do every operation locally first and publish asynchronously;
 * incoming messages are decoded once per node on one "inbox" thread and delivered through the same encode-once
 * path as local broadcasts. Application callbacks (server-side listeners, futures of cluster requests) run on a
 * separate thread, never on Redis' or the inbox's.
 *
 * <p>Failure model: malformed messages are dropped, counted and logged (rate-limited); while Redis is unreachable,
 * local delivery goes on, cluster requests fail at once with {@link io.switchboard.adapter.redis.RedisAdapterException}
 * and Lettuce reconnects and subscribes again by itself.
 */
package io.switchboard.adapter.redis;
