// The mixed cluster on a Redis Cluster of 3 masters and 3 replicas, sharded protocol: each channel on its shard,
// the Node node with node-redis's createCluster, the Switchboard node with a redis-cluster:// URL.

import { mixedClusterTests } from "./support/mixed-suite.mjs";

mixedClusterTests({ sharded: true, redisCluster: true });
