package io.switchboard.adapter.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.switchboard.core.Server;

/**
 * Traffic that keeps flowing through every node while a test breaks Redis: each node broadcasts a numbered
 * {@code tick} to the whole cluster every few milliseconds, and every fifth round asks its own clients for an
 * acknowledgement. Clients watched with {@link #watch} log the ticks they receive, by sending node and number, so
 * that a test can tell afterwards which broadcasts arrived where, and when.
 */
final class MidTraffic implements AutoCloseable {
    private static final long ROUND_MILLIS = 20;
    private static final long ACK_TIMEOUT_MILLIS = 10_000;

    /** One tick as a client received it. */
    record Tick(int node, int seq, long receivedAt) {
    }

    private final List<Server> servers;
    private final AtomicInteger[] sent;
    private final List<Throwable> escaped = new CopyOnWriteArrayList<>();
    private final List<String> ackFailures = new CopyOnWriteArrayList<>();
    private final AtomicLong acksAnswered = new AtomicLong();
    private final AtomicLong acksAsked = new AtomicLong();
    private final Map<TestClient, Queue<Tick>> logs = new java.util.concurrent.ConcurrentHashMap<>();
    private final Thread pump;
    private volatile boolean running = true;

    MidTraffic(List<Server> servers) {
        this.servers = List.copyOf(servers);
        this.sent = new AtomicInteger[servers.size()];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = new AtomicInteger();
        }
        this.pump = new Thread(this::pump, "mid-traffic");
        pump.setDaemon(true);
    }

    void start() {
        pump.start();
    }

    /** Logs the ticks this client receives from now on. */
    TestClient watch(TestClient client) {
        Queue<Tick> log = new ConcurrentLinkedQueue<>();
        logs.put(client, log);
        client.socket.on("tick", args -> log.add(new Tick(((Number) args[0]).intValue(),
                ((Number) args[1]).intValue(), System.nanoTime())));
        return client;
    }

    private void pump() {
        int round = 0;
        while (running) {
            round++;
            for (int node = 0; node < servers.size(); node++) {
                Server server = servers.get(node);
                try {
                    server.emit("tick", node, sent[node].incrementAndGet());
                    if (round % 5 == 0) {
                        askLocalClients(node, server);
                    }
                } catch (RuntimeException | Error e) {
                    escaped.add(e);
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(ROUND_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void askLocalClients(int node, Server server) {
        acksAsked.incrementAndGet();
        server.local().timeout(ACK_TIMEOUT_MILLIS).emitWithAck("ask", node).whenComplete((answers, error) -> {
            if (error != null) {
                ackFailures.add("node " + node + ": " + error);
            } else {
                acksAnswered.addAndGet(answers.size());
            }
        });
    }

    /** The number of the last tick node {@code node} has broadcast. */
    int lastSent(int node) {
        return sent[node].get();
    }

    /** The ticks this (watched) client has received so far, in arrival order. */
    List<Tick> received(TestClient client) {
        return new ArrayList<>(logs.get(client));
    }

    /** Numbers of the ticks from {@code node} this client received. */
    List<Integer> seqsFrom(TestClient client, int node) {
        return received(client).stream().filter(tick -> tick.node() == node).map(Tick::seq).toList();
    }

    /** Exceptions thrown at the callers of emit and emitWithAck: there must be none, Redis or not. */
    List<Throwable> escaped() {
        return escaped;
    }

    /** Local acknowledgement rounds that failed (a local client did not answer in time). */
    List<String> ackFailures() {
        return ackFailures;
    }

    long acksAnswered() {
        return acksAnswered.get();
    }

    long acksAsked() {
        return acksAsked.get();
    }

    /** Stops broadcasting and waits for the pump to finish its round. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        pump.join(TimeUnit.SECONDS.toMillis(10));
    }
}
