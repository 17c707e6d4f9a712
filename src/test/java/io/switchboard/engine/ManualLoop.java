package io.switchboard.engine;

import java.util.PriorityQueue;

/**
 * A deterministic {@link SessionLoop} on a virtual clock: {@link #execute} runs at once, {@link #schedule} records
 * the task, and {@link #advance} moves the clock, running what falls due in order.
 */
final class ManualLoop implements SessionLoop {
    private static final class Task implements Comparable<Task> {
        final long due;
        final long seq;
        final Runnable body;
        boolean cancelled;

        Task(long due, long seq, Runnable body) {
            this.due = due;
            this.seq = seq;
            this.body = body;
        }

        @Override
        public int compareTo(Task o) {
            return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private final PingQueue pings = new PingQueue(this);
    private long now;
    private long seq;

    @Override
    public PingQueue pings() {
        return pings;
    }

    @Override
    public boolean inLoop() {
        return true;
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public Runnable schedule(Runnable task, long delayMillis) {
        Task scheduled = new Task(now + delayMillis, seq++, task);
        tasks.add(scheduled);
        return () -> scheduled.cancelled = true;
    }

    long now() {
        return now;
    }

    @Override
    public long nowMillis() {
        return now;
    }

    /** Moves the clock forward, running every task that falls due on the way, at its own time. */
    void advance(long millis) {
        long target = now + millis;
        while (!tasks.isEmpty() && tasks.peek().due <= target) {
            Task task = tasks.poll();
            if (!task.cancelled) {
                now = task.due;
                task.body.run();
            }
        }
        now = target;
    }

    /** How many scheduled tasks are still live. */
    long pending() {
        return tasks.stream().filter(t -> !t.cancelled).count();
    }
}
