package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A Redis that stops reading while its connections stay open (SIGSTOP here, for as long as the flood takes; a
 * stalled network alike) must not
 * make a node hold every broadcast published meanwhile: past {@link RedisLink#MAX_QUEUED_COMMANDS} publishing fails
 * at once, and the connection serves again when Redis wakes up.
 */
class RedisQueueBoundTest {
    @Test
    void publishesBeyondTheBoundFailWhileRedisSleeps() throws Exception {
        int flood = 3 * RedisLink.MAX_QUEUED_COMMANDS;
        byte[] payload = new byte[1_024];
        try (RedisProcess redis = RedisProcess.start()) {
            try (RedisLink link = new RedisLink(new RedisAdapterOptions().url(redis.url())
                    .requestsTimeout(120_000).clientName("queue-bound"))) {
                assertEquals(0L, link.publish("queue-bound", payload).get(30, TimeUnit.SECONDS));
                redis.pause();
                List<CompletableFuture<Long>> published = new ArrayList<>(flood);
                try {
                    for (int i = 0; i < flood; i++) {
                        published.add(link.publish("queue-bound", payload));
                    }
                } finally {
                    redis.resume();
                }
                int delivered = 0;
                int refused = 0;
                for (CompletableFuture<Long> future : published) {
                    try {
                        future.get(30, TimeUnit.SECONDS);
                        delivered++;
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertTrue(e.getCause().getMessage().contains("size exceeded"), e.getCause().toString());
                        refused++;
                    }
                }
                System.out.printf("queue bound: %d of %d publishes taken while Redis slept, %d refused%n",
                        delivered, flood, refused);
                // the write queue and the reply stack are bounded each
                assertTrue(delivered <= 2 * RedisLink.MAX_QUEUED_COMMANDS, delivered + " publishes held");
                assertEquals(flood, delivered + refused);
                assertTrue(refused > 0);
                assertEquals(0L, link.publish("queue-bound", payload).join(), "publishing works again");
            } catch (CompletionException e) {
                throw new AssertionError(e.getCause());
            }
        }
    }
}
