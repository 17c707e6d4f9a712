package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * A node whose inbox thread cannot keep up (here: a handler stuck on a latch) holds at most
 * {@link RedisLink#MAX_INBOX_MESSAGES} messages from Redis; what comes past that is dropped and counted, and the
 * inbox serves again once it drains.
 */
class RedisInboxBoundTest {
    @Test
    void messagesPastTheBoundAreDroppedAndCounted() throws Exception {
        String channel = "inbox-bound-" + UUID.randomUUID();
        int extra = 2_000;
        int flood = RedisLink.MAX_INBOX_MESSAGES + 1 + extra;
        CountDownLatch stuck = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        try (RedisLink link = new RedisLink(new RedisAdapterOptions().url(RedisTestSupport.url())
                .requestsTimeout(60_000).clientName("inbox-bound"))) {
            link.subscribe(channel, (name, message) -> {
                if (handled.incrementAndGet() == 1) {
                    try {
                        stuck.await(60, TimeUnit.SECONDS);   // the inbox thread is busy for as long as the test wants
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }).get(10, TimeUnit.SECONDS);

            byte[] payload = {1};
            for (int sent = 0; sent < flood; ) {
                // in batches under the command queue bound, which is not what this test is about
                List<CompletableFuture<Long>> batch = new ArrayList<>();
                for (int i = 0; i < 1_000 && sent < flood; i++, sent++) {
                    batch.add(link.publish(channel, payload));
                }
                CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            }
            long deadline = System.currentTimeMillis() + 30_000;
            while (link.inboxDroppedCount() < extra && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(extra, link.inboxDroppedCount(), "dropped past the bound");

            stuck.countDown();
            deadline = System.currentTimeMillis() + 30_000;
            while (handled.get() < flood - extra && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(flood - extra, handled.get(), "the stuck one and the bound's worth were handled");
            link.publish(channel, payload).get(10, TimeUnit.SECONDS);
            deadline = System.currentTimeMillis() + 10_000;
            while (handled.get() < flood - extra + 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(handled.get() == flood - extra + 1, "the inbox serves again");
        }
    }
}
