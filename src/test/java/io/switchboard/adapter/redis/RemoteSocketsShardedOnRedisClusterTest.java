package io.switchboard.adapter.redis;

/** The fetchSockets and the remote socket operations of RemoteSocketsClusterTest across three nodes on a Redis Cluster of 3 masters and 3 replicas (LocalRedisCluster), in sharded mode (SSUBSCRIBE/SPUBLISH, each channel on its shard). */
class RemoteSocketsShardedOnRedisClusterTest extends RemoteSocketsClusterTest {
    @Override
    protected void topology(RedisAdapterOptions options) {
        try {
            options.url(LocalRedisCluster.get().url());
        } catch (Exception e) {
            throw new AssertionError("the test's Redis could not be started", e);
        }
        options.sharded(true);
    }

    /** The sharded protocol has no request for every node's rooms (as Node's): allRooms is this node's. */
    @Override
    @org.junit.jupiter.api.Test
    void allRoomsIsTheUnionOfEveryNode() {
        server(0).sockets().localSocket(a.id()).join("ra");
        server(1).sockets().localSocket(b.id()).join("rb");
        java.util.Set<String> rooms = TestClient.await(server(1).sockets().adapter().allRooms());
        org.junit.jupiter.api.Assertions.assertEquals(java.util.Set.of("rb", b.id()), rooms);
    }
}
