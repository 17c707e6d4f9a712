package io.switchboard.server.auth;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An HTTP response body collected up to {@code max} bytes: past that the exchange is cancelled and the body fails
 * with "too_large". Given a {@code refusal}, it fails at once without reading anything. Either way the refusal is also
 * put in {@code refused}, because the HTTP client may report a cancelled body as the connection's end instead.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int max;
    private final JwksFetchFailure refusal;
    private final AtomicReference<JwksFetchFailure> refused;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    CappedBody(int max, JwksFetchFailure refusal, AtomicReference<JwksFetchFailure> refused) {
        this.max = max;
        this.refusal = refusal;
        this.refused = refused;
    }

    static JwksFetchFailure tooLarge(int max) {
        return new JwksFetchFailure("too_large", "the body is larger than " + max + " bytes");
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (refusal != null) {
            refuse(refusal);
        } else {
            subscription.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            if (bytes.size() + buffer.remaining() > max) {
                refuse(tooLarge(max));
                return;
            }
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            bytes.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable error) {
        body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        body.complete(bytes.toByteArray());
    }

    private void refuse(JwksFetchFailure failure) {
        refused.compareAndSet(null, failure);
        subscription.cancel();
        body.completeExceptionally(failure);
    }
}
