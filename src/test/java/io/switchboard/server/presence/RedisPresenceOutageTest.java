package io.switchboard.server.presence;

import io.switchboard.testsupport.TcpProxy;

import static io.switchboard.server.presence.PresenceTestSupport.eventually;
import static io.switchboard.server.presence.PresenceTestSupport.offline;
import static io.switchboard.server.presence.PresenceTestSupport.online;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import io.lettuce.core.RedisURI;
import io.switchboard.server.SwitchboardServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A node that loses Redis keeps counting its sockets and catches the cluster up when Redis is back. */
class RedisPresenceOutageTest {
    private final PresenceTestSupport support = new PresenceTestSupport();

    @AfterEach
    void close() {
        support.close();
    }

    @Test
    void connectsAndDisconnectsDuringAnOutageAreAnnouncedWhenRedisReturns() throws Exception {
        RedisURI direct = RedisURI.create(PresenceTestSupport.redisUrl());
        try (TcpProxy proxy = new TcpProxy(direct.getHost(), direct.getPort())) {
            String viaProxy = RedisURI.builder(direct).withHost("127.0.0.1").withPort(proxy.port()).build()
                    .toURI().toString();
            // refresh every second; the outage stays well under the TTL, so nobody takes node A for dead
            Map<String, String> ttl = Map.of("SWITCHBOARD_PRESENCE_TTL", "3000");
            SwitchboardServer a = support.node("redis", Map.of("SWITCHBOARD_PRESENCE_TTL", "3000",
                    "REDIS_URL", viaProxy));
            SwitchboardServer b = support.node("redis", ttl);
            PresenceTestSupport.Client watcher = support.connect(b, "watcher", "acme");
            PresenceTestSupport.Client bob = support.connect(a, "bob", "acme");
            watcher.await("bob", "online");

            proxy.cut();
            PresenceTestSupport.Client alice = support.connect(a, "alice", "acme");   // works without Redis
            bob.disconnect();
            Thread.sleep(300);
            proxy.restore();

            watcher.await("alice", "online");
            watcher.await("bob", "offline");
            eventually(() -> watcher.queryUsers("alice", "bob"),
                    answer -> online(answer, "alice", 1) && offline(answer, "bob"), "caught up");
            eventually(() -> alice.queryUsers("alice", "bob"),
                    answer -> online(answer, "alice", 1) && offline(answer, "bob"), "caught up, seen from A");
            assertEquals(1, watcher.count("alice", "online", 300), "announced once");
            assertEquals(1, watcher.count("bob", "offline", 0), "announced once");
            support.close();   // while the proxy still relays: node A leaves Redis cleanly
        }
    }
}
