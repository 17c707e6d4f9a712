package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

/** The deployments a Redis URL names: one Redis, a Sentinel set, or a Redis Cluster by its seed nodes. */
class RedisUrlTest {
    @Test
    void aClusterUrlIsOneUriPerSeedWithTheCredentialsAndOptionsOfTheWhole() {
        RedisUrl url = RedisUrl.parse("redis-cluster://user:p@ss@h1:7000,h2:7001, h3?timeout=3s");
        assertTrue(url.cluster());
        assertEquals(List.of("h1:7000", "h2:7001", "h3:6379"),
                url.uris().stream().map(uri -> uri.getHost() + ":" + uri.getPort()).toList());
        for (RedisURI uri : url.uris()) {
            io.lettuce.core.RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
            assertEquals("user", credentials.getUsername());
            assertEquals("p@ss", new String(credentials.getPassword()));
            assertEquals(3, uri.getTimeout().toSeconds());
            assertFalse(uri.isSsl());
        }
        assertTrue(RedisUrl.parse("rediss-cluster://h1:7000").uris().get(0).isSsl());
    }

    @Test
    void aClusterHasOnlyDatabaseZero() {
        assertEquals(1, RedisUrl.parse("redis-cluster://h1:7000/0").uris().size());
        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("redis-cluster://h1:7000/2"));
        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("redis-cluster://h1:7000,,h2"));
    }

    @Test
    void lettucesOwnFormsNameOneRedisSentinelIncluded() {
        RedisUrl single = RedisUrl.parse("redis://:pw@host:6380/2");
        assertFalse(single.cluster());
        assertEquals(2, single.uris().get(0).getDatabase());
        RedisUrl sentinel = RedisUrl.parse("redis-sentinel://s1:26379,s2:26380#mymaster");
        assertFalse(sentinel.cluster());
        assertEquals("mymaster", sentinel.uris().get(0).getSentinelMasterId());
        assertEquals(2, sentinel.uris().get(0).getSentinels().size());
    }
}
