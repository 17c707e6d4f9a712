package io.switchboard.engine;

import java.util.ArrayList;
import java.util.concurrent.Executor;

/**
 * The websocket transports of one event loop that have written since the loop last flushed them. A write only
 * queues its frame; the flush runs once the loop has finished what it is doing now (the reads of this turn, or the
 * broadcast tasks already queued), so that several packets for one connection in the same turn leave in one system
 * call instead of one each. Under load the turns grow and so do the batches; at rest a batch is one packet and the
 * delay is the rest of the current turn.
 *
 * <p>Confined to its loop's thread: transports whose channel lives on another thread flush at once instead.
 */
final class FlushBatch implements Runnable {
    private final Executor loop;
    private ArrayList<WebSocketTransport> pending = new ArrayList<>();
    private ArrayList<WebSocketTransport> spare = new ArrayList<>();

    FlushBatch(Executor loop) {
        this.loop = loop;
    }

    /** Flushes the transport at the end of this turn; the transport asks only once per turn. */
    void add(WebSocketTransport transport) {
        if (pending.isEmpty()) {
            loop.execute(this);
        }
        pending.add(transport);
    }

    @Override
    public void run() {
        // a flush can make a transport writable again and so queue more writes: those go into the next batch
        ArrayList<WebSocketTransport> batch = pending;
        pending = spare;
        for (int i = 0, n = batch.size(); i < n; i++) {
            batch.get(i).flushNow();
        }
        batch.clear();
        spare = batch;
    }
}
