package io.switchboard.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Counts what the parts of one operation found, a part per event loop, and tells the total once the last part ran
 * (on that part's loop, or on the caller's thread when every part ran there).
 */
final class LoopParts {
    private final AtomicInteger remaining;
    private final AtomicInteger total = new AtomicInteger();
    private final IntConsumer done;

    LoopParts(int parts, IntConsumer done) {
        this.remaining = new AtomicInteger(parts);
        this.done = done;
        if (parts == 0) {
            done.accept(0);
        }
    }

    void partDone(int found) {
        if (found > 0) {
            total.addAndGet(found);
        }
        if (remaining.decrementAndGet() == 0) {
            done.accept(total.get());
        }
    }
}
