package com.example.cluster;

import io.switchboard.adapter.redis.RedisAdapterFactory;
import io.switchboard.adapter.redis.RedisAdapterOptions;
import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;

public final class ClusterNode {
    /** A node of a cluster: every node on the same Redis and key prefix shares broadcasts, rooms and fetchSockets. */
    public static Server create(String redisUrl, String keyPrefix) {
        RedisAdapterFactory redis = RedisAdapterFactory.connect(
                new RedisAdapterOptions().url(redisUrl).key(keyPrefix));
        Server server = new Server(new ServerOptions().adapter(redis).recoveryStore(redis.recoveryStores()));
        server.onConnection(socket -> socket.join("chat:lobby"));
        return server;
    }

    public static void main(String[] args) throws InterruptedException {
        create("redis://127.0.0.1:6379", "socket.io").start("0.0.0.0", 3001);
    }
}
