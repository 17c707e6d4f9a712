package io.switchboard.adapter.redis;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import io.switchboard.engine.ClusterLink;
import io.switchboard.engine.ClusterMessage;

/**
 * The cluster engine's messages over the adapter's Redis connections: each node subscribes to one channel named by
 * its tag, {@code <key>#eio#<tag>#}, and a message goes to its recipient's channel alone. PUBLISH answers how many
 * subscribers heard it, so a node that is gone is known at once (0) instead of after a timeout.
 */
final class RedisEngineLink implements ClusterLink {
    private final RedisLink link;
    private final String key;
    private final String tag;
    private volatile RedisLink.Subscription subscription;

    RedisEngineLink(RedisLink link, String key) {
        this.link = link;
        this.key = key;
        this.tag = randomTag();
    }

    private static String randomTag() {
        byte[] bytes = new byte[ClusterLink.NODE_TAG_LENGTH * 3 / 4];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    String channel(String nodeTag) {
        return key + "#eio#" + nodeTag + "#";
    }

    @Override
    public String nodeTag() {
        return tag;
    }

    @Override
    public CompletionStage<Void> start(Consumer<ClusterMessage> receiver) {
        RedisLink.Handler handler = (channel, message) -> receiver.accept(EngineMessageCodec.decode(message));
        subscription = RedisLink.Subscription.channel(channel(tag), handler);
        return link.subscribe(channel(tag), handler);
    }

    @Override
    public CompletionStage<Boolean> send(String nodeTag, ClusterMessage message) {
        CompletableFuture<Long> published;
        try {
            published = link.publish(channel(nodeTag), EngineMessageCodec.encode(message));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return published.thenApply(receivers -> receivers != null && receivers > 0);
    }

    @Override
    public CompletionStage<Boolean> present(String nodeTag) {
        return link.numsub(channel(nodeTag), false).thenApply(count -> count != null && count > 0);
    }

    @Override
    public void stop() {
        RedisLink.Subscription current = subscription;
        if (current != null) {
            subscription = null;
            link.unsubscribe(List.of(current));
        }
    }
}
