package io.switchboard.bench.gen;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.switchboard.bench.Args;
import io.switchboard.bench.ProcStat;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The load generator: many Engine.IO v4 / Socket.IO v5 WebSocket clients on a few Netty event loops.
 *
 * <pre>
 * --mode idle|fanout|echo   what to do once connected
 * --urls host:port,...      servers; client i goes to url i % count (a cluster splits its clients this way)
 * --clients N               connections
 * --src 127.0.0.2-127.0.0.17  source addresses, round robin (spreads ephemeral ports)
 * --threads T               event loops (default 2)
 * --concurrency C           handshakes in flight at once (default 128)
 * --server-pids p,...       processes whose CPU time (utime+stime from /proc) is charged to the work
 * --redis-pids p,...        Redis processes whose CPU time is also reported on its own (redis_cpu_*); a cluster
 *                           scenario lists them in --server-pids too
 * --max-s S                 hard deadline: the process halts after S seconds whatever happens
 * --transport websocket|polling  idle mode: WebSocket clients (default) or Engine.IO long-polling ones
 * --rooms K                 idle mode: each client joins K rooms once connected (websocket only)
 * --join-event E --room-prefix P   the event that joins a room and the rooms' names (default: join, room-)
 * --parser default|msgpack  how Socket.IO packets are framed: the default parser's text frames, or
 *                           socket.io-msgpack-parser's one msgpack map per packet in a binary frame (default: default)
 * fanout: --warmup-s --measure-s --window W --fixed-rate deliveries/s --fixed-settle-s --fixed-s --payload bytes
 * echo:   --warmup-s --measure-s --payload bytes
 * </pre>
 *
 * Prints JSON lines on stdout: {@code {"event":"ready",...}} once connected, {@code {"event":"result",...}} at the
 * end. In idle mode it then holds the connections until a line "close" (or end of input) arrives on stdin.
 *
 * <p>Timestamps in the payloads are {@code System.nanoTime()} minus the generator's start (small enough for a
 * JavaScript number); senders and receivers of one measurement are always in the same process.
 */
public final class LoadGen {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] KEY_S = "\"s\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_T = "\"t\":".getBytes(StandardCharsets.US_ASCII);
    private static final int RING = 1 << 12;
    // msgpack mode: the event names and payload keys as msgpack writes and reads them
    private static final byte[] MP_JOIN = Msgpack.ascii("join");
    private static final byte[] MP_ECHO = Msgpack.ascii("echo");
    private static final byte[] MP_BCAST = Msgpack.ascii("bcast");
    private static final byte[] MP_ROOM = Msgpack.ascii("bench");
    private static final byte[] MP_NSP = Msgpack.ascii("/");
    private static final byte[] MP_S = Msgpack.ascii("s");
    private static final byte[] MP_T = Msgpack.ascii("t");
    private static final byte[] MP_P = Msgpack.ascii("p");

    private final Args args;
    private final long base = System.nanoTime();
    private final long selfPid = ProcessHandle.current().pid();
    private final long[] serverPids;
    private final long[] redisPids;
    private final EventLoopGroup group;
    private final Bootstrap template;
    private final List<InetSocketAddress> endpoints = new ArrayList<>();
    private final List<ByteBuf> upgradeRequests = new ArrayList<>();
    private final List<InetAddress> sources = new ArrayList<>();
    private final String padding;
    private final byte[] paddingAscii;
    /** socket.io-msgpack-parser packets in binary frames instead of the default parser's text. */
    private final boolean msgpack;

    // connection phase
    private WsClient[] clients;
    private PollClient[] pollClients;
    private Semaphore handshakes;
    private final AtomicLong readyCount = new AtomicLong();
    private final AtomicLong failedCount = new AtomicLong();
    private final AtomicLong droppedCount = new AtomicLong();
    private final AtomicLong lastReadyAt = new AtomicLong();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();

    // scenario state
    private volatile Scenario scenario = Scenario.NONE;
    private final Recorder latency = new Recorder(3);
    private final LongAdder received = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder mismatches = new LongAdder();
    private final AtomicLong joined = new AtomicLong();
    private final AtomicLong inflight = new AtomicLong();
    private AtomicIntegerArray ringCounts;
    private volatile int members;
    private volatile boolean sending;
    private volatile boolean closedLoop;
    private volatile boolean recording;
    private WsClient sender;
    private long nextSeq;
    private final StringBuilder line = new StringBuilder(256);

    private enum Scenario { NONE, JOIN, FANOUT, ECHO }

    private LoadGen(Args args) throws Exception {
        this.args = args;
        this.serverPids = args.longs("server-pids");
        this.redisPids = args.longs("redis-pids");
        for (String url : args.str("urls", "127.0.0.1:3000").split(",")) {
            String hostPort = url.replaceFirst("^[a-z]+://", "");
            int colon = hostPort.lastIndexOf(':');
            String host = hostPort.substring(0, colon);
            int port = Integer.parseInt(hostPort.substring(colon + 1).replaceAll("/.*", ""));
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host), port);
            if (!address.getAddress().isLoopbackAddress()) {
                throw new IllegalArgumentException("the generator only talks to loopback addresses: " + url);
            }
            endpoints.add(address);
            String request = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                    + "Host: " + host + ":" + port + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n";
            upgradeRequests.add(Unpooled.unreleasableBuffer(
                    Unpooled.directBuffer().writeBytes(request.getBytes(StandardCharsets.US_ASCII))));
        }
        for (String src : expand(args.str("src", "127.0.0.1"))) {
            InetAddress address = InetAddress.getByName(src);
            if (!address.isLoopbackAddress()) {
                throw new IllegalArgumentException("source addresses must be loopback: " + src);
            }
            sources.add(address);
        }
        int payload = args.integer("payload", 64);
        padding = "x".repeat(Math.max(0, payload));
        paddingAscii = Msgpack.ascii(padding);
        String parser = args.str("parser", "default");
        if (!parser.equals("default") && !parser.equals("msgpack")) {
            throw new IllegalArgumentException("unknown parser " + parser + " (default or msgpack)");
        }
        msgpack = parser.equals("msgpack");

        int threads = args.integer("threads", 2);
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(threads, epoll ? EpollIoHandler.newFactory()
                : NioIoHandler.newFactory());
        template = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        if (epoll) {
            // let connect() pick the port for the whole 4-tuple instead of bind() reserving it per source address
            template.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
    }

    /** "127.0.0.2-127.0.0.9" or "a,b,c". */
    static List<String> expand(String spec) {
        List<String> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            part = part.trim();
            int dash = part.indexOf('-');
            if (dash < 0) {
                out.add(part);
                continue;
            }
            String from = part.substring(0, dash);
            String to = part.substring(dash + 1);
            String prefix = from.substring(0, from.lastIndexOf('.') + 1);
            int a = Integer.parseInt(from.substring(from.lastIndexOf('.') + 1));
            int b = Integer.parseInt(to.substring(to.lastIndexOf('.') + 1));
            for (int i = a; i <= b; i++) {
                out.add(prefix + i);
            }
        }
        return out;
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        watchdog(args.integer("max-s", 300));
        LoadGen gen = new LoadGen(args);
        int exit = 0;
        try {
            switch (args.str("mode", "idle")) {
                case "idle" -> gen.idle();
                case "fanout" -> gen.fanout();
                case "echo" -> gen.echo();
                default -> throw new IllegalArgumentException("unknown mode " + args.str("mode", ""));
            }
        } catch (Exception e) {
            ObjectNode error = JSON.createObjectNode().put("event", "error").put("error", e.toString());
            emit(error);
            exit = 2;
        } finally {
            gen.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
        System.out.flush();
        Runtime.getRuntime().halt(exit);
    }

    /** Bounds the process in time, and ends it when whoever started it is gone. */
    private static void watchdog(int maxSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    emit(JSON.createObjectNode().put("event", "error").put("error",
                            "generator deadline of " + maxSeconds + " s passed"));
                    Runtime.getRuntime().halt(3);
                }
                if (parent != null && !parent.isAlive()) {
                    Runtime.getRuntime().halt(4);
                }
            }
        }, "gen-watchdog");
        t.setDaemon(true);
        t.start();
    }

    static synchronized void emit(ObjectNode node) {
        System.out.println(node.toString());
        System.out.flush();
    }

    // ---------------------------------------------------------------- connecting

    private final WsClient.Listener listener = new WsClient.Listener() {
        @Override
        public void onReady(WsClient client) {
            clientReady();
        }

        @Override
        public void onEvent(WsClient client, ByteBuf buf, int offset, int length) {
            if (scenario == Scenario.FANOUT) {
                onTick(buf, offset, length);
            }
        }

        @Override
        public void onAck(WsClient client, long id, ByteBuf buf, int offset, int length) {
            switch (scenario) {
                case JOIN -> joined.incrementAndGet();
                case ECHO -> onEchoAck(client, id, buf, offset, length);
                default -> { }
            }
        }

        @Override
        public void onMsgpackEvent(WsClient client, byte[] b, int data) {
            if (scenario == Scenario.FANOUT) {
                // data is ["tick", {s, t, p}]
                int map = Msgpack.argMap(b, data, 1);
                onTick(Msgpack.mapField(b, map, MP_S), Msgpack.mapField(b, map, MP_T));
            }
        }

        @Override
        public void onMsgpackAck(WsClient client, long id, byte[] b, int data) {
            switch (scenario) {
                case JOIN -> joined.incrementAndGet();
                // data is the ack's arguments, [{t, p}]
                case ECHO -> onEchoAck(client, id, data < 0 ? Long.MIN_VALUE
                        : Msgpack.mapField(b, Msgpack.argMap(b, data, 0), MP_T));
                default -> { }
            }
        }

        @Override
        public void onClosed(WsClient client, boolean wasReady, String why) {
            clientClosed(wasReady, why);
        }
    };

    private final PollClient.Events pollEvents = new PollClient.Events() {
        @Override
        public void ready(PollClient client) {
            clientReady();
        }

        @Override
        public void closed(PollClient client, boolean wasReady, String why) {
            clientClosed(wasReady, why);
        }
    };

    private void clientReady() {
        lastReadyAt.set(System.nanoTime());
        readyCount.incrementAndGet();
        handshakes.release();
    }

    private void clientClosed(boolean wasReady, String why) {
        if (wasReady) {
            droppedCount.incrementAndGet();
        } else {
            failedCount.incrementAndGet();
            handshakes.release();
        }
        String key = why == null ? "?" : why.length() > 120 ? why.substring(0, 120) : why;
        failures.merge(key, 1, Integer::sum);
    }

    /** Opens the connections, at most {@code concurrency} handshakes at once; returns when all settled. */
    private ObjectNode connect() throws InterruptedException {
        int n = args.integer("clients", 100);
        int concurrency = args.integer("concurrency", 128);
        long timeoutNanos = TimeUnit.SECONDS.toNanos(args.integer("connect-timeout-s", 120));
        boolean polling = polling();
        clients = new WsClient[polling ? 0 : n];
        pollClients = new PollClient[polling ? n : 0];
        handshakes = new Semaphore(concurrency);
        long start = System.nanoTime();
        long deadline = start + timeoutNanos;
        int started = 0;
        for (int i = 0; i < n; i++) {
            if (!handshakes.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            InetSocketAddress remote = endpoints.get(i % endpoints.size());
            InetSocketAddress local = new InetSocketAddress(sources.get(i % sources.size()), 0);
            if (polling) {
                pollClients[i] = new PollClient(template, remote, local, pollEvents);
                pollClients[i].start();
                started++;
                continue;
            }
            WsClient client = new WsClient(i, listener, upgradeRequests.get(i % upgradeRequests.size()), msgpack);
            clients[i] = client;
            template.clone().handler(client).connect(remote, local).addListener(f -> {
                if (!f.isSuccess()) {
                    client.reportClosed("connect: " + f.cause());
                } else {
                    Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
                    ch.eventLoop().schedule(() -> {
                        if (!client.isReady() && ch.isActive()) {
                            client.reportClosed("handshake timeout");
                            ch.close();
                        }
                    }, 15, TimeUnit.SECONDS);
                }
            });
            started++;
        }
        while (readyCount.get() + failedCount.get() < started && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long end = Math.max(lastReadyAt.get(), start);
        double seconds = (end - start) / 1e9;
        ObjectNode out = JSON.createObjectNode();
        out.put("requested", n);
        out.put("started", started);
        out.put("ready", readyCount.get());
        out.put("failed", failedCount.get());
        out.put("connect_s", seconds);
        out.put("connects_per_s", seconds > 0 ? readyCount.get() / seconds : 0);
        out.put("start_ns", start);
        out.put("end_ns", end);
        if (!failures.isEmpty()) {
            out.putPOJO("failures", Map.copyOf(failures));
        }
        return out;
    }

    private List<WsClient> readyClients() {
        List<WsClient> ready = new ArrayList<>();
        for (WsClient c : clients) {
            if (c != null && c.isReady() && c.channel().isActive()) {
                ready.add(c);
            }
        }
        return ready;
    }

    // ---------------------------------------------------------------- idle

    /** {@code --transport polling}: Engine.IO long-polling clients ({@link PollClient}; idle mode only). */
    private boolean polling() {
        return args.str("transport", "websocket").equals("polling");
    }

    private void idle() throws Exception {
        ObjectNode conn = connect();
        int rooms = args.integer("rooms", 0);
        if (rooms > 0) {
            if (polling()) {
                throw new IllegalArgumentException("--rooms needs websocket clients");
            }
            joinRooms(readyClients(), rooms);
            conn.put("rooms_per_client", rooms);
        }
        conn.put("event", "ready");
        emit(conn);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = in.readLine()) != null && !command.trim().equals("close")) {
            if (command.trim().equals("status")) {
                emit(JSON.createObjectNode().put("event", "status").put("ready", readyCount.get())
                        .put("dropped", droppedCount.get()));
            }
        }
        long dropped = droppedCount.get();
        for (WsClient c : clients) {
            if (c != null && c.channel() != null) {
                c.channel().close();
            }
        }
        for (PollClient c : pollClients) {
            if (c != null) {
                c.shutdown();
            }
        }
        emit(JSON.createObjectNode().put("event", "closed").put("dropped_before_close", dropped));
    }

    // ---------------------------------------------------------------- fan-out

    private void fanout() throws Exception {
        ObjectNode conn = connect();
        List<WsClient> ready = readyClients();
        if (ready.isEmpty()) {
            throw new IllegalStateException("no client connected: " + conn);
        }
        joinAll(ready);
        conn.put("event", "ready");
        emit(conn);

        members = ready.size();
        ringCounts = new AtomicIntegerArray(RING);
        sender = ready.get(0);
        scenario = Scenario.FANOUT;
        int window = Math.max(1, Math.min(RING / 4, args.integer("window", 8)));
        double warmup = args.dbl("warmup-s", 3);
        double measure = args.dbl("measure-s", 5);

        ObjectNode result = JSON.createObjectNode();
        result.put("event", "result");
        result.put("mode", "fanout");
        result.put("members", members);
        result.put("window", window);
        result.set("connect", conn);
        recording = true;
        // --measure-s 0 skips the closed loop: the fixed rate then meets a server as cold as its connects left it
        // (a JIT that has not compiled the broadcast path yet), as a generator that only sends at that rate sees it
        boolean drained = measure <= 0 || runClosedLoop(window, warmup, measure, result);

        // fixed rate: broadcasts leave on a schedule, stamped with their intended time (no coordinated omission)
        double fixedRate = args.dbl("fixed-rate", 20_000);
        double fixedSeconds = args.dbl("fixed-s", 5);
        if (fixedRate > 0 && fixedSeconds > 0 && drained) {
            double broadcastsPerSecond = fixedRate / members;
            long period = Math.max(1, (long) (1e9 / broadcastsPerSecond));
            long phaseStart = System.nanoTime() - base + TimeUnit.MILLISECONDS.toNanos(20);
            long[] k = {0};
            ScheduledFuture<?> timer = sender.channel().eventLoop().scheduleAtFixedRate(() -> {
                long now = System.nanoTime() - base;
                // every broadcast whose time has come, each with its own intended time
                while (phaseStart + k[0] * period <= now) {
                    sendBroadcast(phaseStart + k[0] * period);
                    k[0]++;
                }
            }, 20_000_000L, Math.min(period, 5_000_000L), TimeUnit.NANOSECONDS);
            // settle at the new rate: what the closed loop's burst left (its garbage, a runtime giving memory back,
            // code compiled for the other rate) is paid here, not counted as the fixed rate's cost
            sleepSeconds(args.dbl("fixed-settle-s", 1));
            Snapshot f0 = snapshot();
            latency.reset();
            sleepSeconds(fixedSeconds);
            Snapshot f1 = snapshot();
            Histogram fixedLatency = latency.getIntervalHistogram();
            timer.cancel(false);
            boolean fixedDrained = drain(10);
            ObjectNode fixed = rates(f0, f1, "deliveries");
            fixed.put("target_deliveries_per_s", fixedRate);
            fixed.put("broadcasts_per_s", broadcastsPerSecond);
            putLatency(fixed, fixedLatency);
            fixed.put("drained", fixedDrained);
            result.set("fixed", fixed);
        }
        result.put("dropped", droppedCount.get());
        result.put("mismatches", mismatches.sum());
        emit(result);
    }

    /**
     * Closed loop: {@code window} broadcasts in flight, the next one leaves when one has reached every member. Puts
     * its figures under "max" in {@code result}; true when every broadcast arrived afterwards.
     */
    private boolean runClosedLoop(int window, double warmup, double measure, ObjectNode result) throws Exception {
        closedLoop = true;
        sender.channel().eventLoop().execute(() -> {
            for (int i = 0; i < window; i++) {
                sendBroadcast(System.nanoTime() - base);
            }
        });
        sleepSeconds(warmup);
        Snapshot s0 = snapshot();
        latency.reset();
        sleepSeconds(measure);
        Snapshot s1 = snapshot();
        Histogram closedLatency = latency.getIntervalHistogram();
        closedLoop = false;
        boolean drained = drain(10);
        ObjectNode max = rates(s0, s1, "deliveries");
        putLatency(max, closedLatency);
        max.put("drained", drained);
        result.set("max", max);
        return drained;
    }

    /**
     * Each client joins {@code perClient} of 1,000 rooms (client i: rooms i, i + 200, i + 400, ... modulo 1,000, so
     * about 10 members a room per 2,000 clients), waiting for every ack: the rooms real applications give their users.
     */
    private void joinRooms(List<WsClient> ready, int perClient) throws InterruptedException {
        scenario = Scenario.JOIN;
        // the bench servers' "join"; the packaged server's is "join-room", to a room its policy lets anyone join
        String event = args.str("join-event", "join");
        String prefix = args.str("room-prefix", "room-");
        for (WsClient c : ready) {
            c.channel().eventLoop().execute(() -> {
                for (int j = 0; j < perClient; j++) {
                    c.sendText("42" + (c.nextAckId++) + "[\"" + event + "\",\"" + prefix + (c.index + j * 200) % 1000
                            + "\"]");
                }
            });
        }
        awaitJoined((long) ready.size() * perClient, 120);
        scenario = Scenario.NONE;
    }

    private void awaitJoined(long expected, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (joined.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        if (joined.get() < expected) {
            throw new IllegalStateException("only " + joined.get() + " of " + expected + " joins were acknowledged");
        }
    }

    private void joinAll(List<WsClient> ready) throws InterruptedException {
        scenario = Scenario.JOIN;
        for (WsClient c : ready) {
            c.channel().eventLoop().execute(() -> {
                if (msgpack) {
                    ByteBuf out = c.newBinaryFrame(48);
                    eventHead(out, true, MP_JOIN, 1);
                    Msgpack.writeStr(out, MP_ROOM);
                    eventTail(out, c.nextAckId++);
                    c.sendBinary(out);
                } else {
                    c.sendText("42" + (c.nextAckId++) + "[\"join\",\"bench\"]");
                }
            });
        }
        awaitJoined(ready.size(), 60);
        scenario = Scenario.NONE;
    }

    /** On the sender's loop. */
    private void sendBroadcast(long stamp) {
        long seq = nextSeq++;
        inflight.incrementAndGet();
        if (msgpack) {
            ByteBuf out = sender.newBinaryFrame(64 + paddingAscii.length);
            eventHead(out, false, MP_BCAST, 1);
            Msgpack.writeMapHeader(out, 3);
            Msgpack.writeStr(out, MP_S);
            Msgpack.writeUInt(out, seq);
            Msgpack.writeStr(out, MP_T);
            Msgpack.writeUInt(out, stamp);
            Msgpack.writeStr(out, MP_P);
            Msgpack.writeStr(out, paddingAscii);
            eventTail(out, -1);
            sender.sendBinary(out);
            return;
        }
        line.setLength(0);
        line.append("42[\"bcast\",{\"s\":").append(seq).append(",\"t\":").append(stamp)
                .append(",\"p\":\"").append(padding).append("\"}]");
        sender.sendText(line);
    }

    /** On any receiver's loop. */
    private void onTick(ByteBuf buf, int offset, int length) {
        onTick(WsClient.longAfter(buf, offset, length, KEY_S), WsClient.longAfter(buf, offset, length, KEY_T));
    }

    /** On any receiver's loop: a tick's sequence number and stamp, MIN_VALUE when missing. */
    private void onTick(long seq, long stamp) {
        if (seq == Long.MIN_VALUE || stamp == Long.MIN_VALUE) {
            mismatches.increment();
            return;
        }
        if (recording) {
            latency.recordValue(Math.max(0, System.nanoTime() - base - stamp));
        }
        received.increment();
        int slot = (int) (seq & (RING - 1));
        int count = ringCounts.incrementAndGet(slot);
        if (count >= members) {
            ringCounts.set(slot, 0);
            completed.increment();
            inflight.decrementAndGet();
            if (closedLoop) {
                // one more broadcast per completed one
                sender.channel().eventLoop().execute(() -> {
                    if (closedLoop) {
                        sendBroadcast(System.nanoTime() - base);
                    }
                });
            }
        }
    }

    private boolean drain(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (inflight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return inflight.get() <= 0;
    }

    // ---------------------------------------------------------------- echo with ack

    private void echo() throws Exception {
        ObjectNode conn = connect();
        List<WsClient> ready = readyClients();
        if (ready.isEmpty()) {
            throw new IllegalStateException("no client connected: " + conn);
        }
        conn.put("event", "ready");
        emit(conn);
        scenario = Scenario.ECHO;
        sending = true;
        recording = false;
        for (WsClient c : ready) {
            c.channel().eventLoop().execute(() -> sendEcho(c));
        }
        sleepSeconds(args.dbl("warmup-s", 3));
        Snapshot s0 = snapshot();
        latency.reset();
        recording = true;
        sleepSeconds(args.dbl("measure-s", 5));
        Snapshot s1 = snapshot();
        Histogram h = latency.getIntervalHistogram();
        sending = false;
        boolean drained = drain(10);
        ObjectNode result = JSON.createObjectNode();
        result.put("event", "result");
        result.put("mode", "echo");
        result.put("clients", ready.size());
        result.set("connect", conn);
        ObjectNode m = rates(s0, s1, "acks");
        putLatency(m, h);
        m.put("drained", drained);
        result.set("echo", m);
        result.put("dropped", droppedCount.get());
        result.put("mismatches", mismatches.sum());
        emit(result);
    }

    /** On the client's loop: one request in flight per client. */
    private void sendEcho(WsClient c) {
        long id = c.nextAckId++;
        long now = System.nanoTime() - base;
        c.sentAt = now;
        inflight.incrementAndGet();
        if (msgpack) {
            ByteBuf out = c.newBinaryFrame(64 + paddingAscii.length);
            eventHead(out, true, MP_ECHO, 1);
            Msgpack.writeMapHeader(out, 2);
            Msgpack.writeStr(out, MP_T);
            Msgpack.writeUInt(out, now);
            Msgpack.writeStr(out, MP_P);
            Msgpack.writeStr(out, paddingAscii);
            eventTail(out, id);
            c.sendBinary(out);
            return;
        }
        c.sendText("42" + id + "[\"echo\",{\"t\":" + now + ",\"p\":\"" + padding + "\"}]");
    }

    private void onEchoAck(WsClient c, long id, ByteBuf buf, int offset, int length) {
        onEchoAck(c, id, WsClient.longAfter(buf, offset, length, KEY_T));
    }

    /** On the client's loop: the ack of its request in flight, with the stamp it carried (MIN_VALUE: none). */
    private void onEchoAck(WsClient c, long id, long stamp) {
        long now = System.nanoTime() - base;
        inflight.decrementAndGet();
        if (id != c.nextAckId - 1 || stamp != c.sentAt) {
            mismatches.increment();
        }
        if (recording) {
            latency.recordValue(now - c.sentAt);
        }
        received.increment();
        completed.increment();
        if (sending) {
            sendEcho(c);
        }
    }

    /**
     * The start of a msgpack EVENT packet, {@code {type: 2, data: [name, ...]}}: the caller writes the {@code args}
     * arguments next, then {@link #eventTail}. Neither server cares about the order of the keys.
     */
    private static void eventHead(ByteBuf out, boolean withId, byte[] name, int args) {
        Msgpack.writeMapHeader(out, withId ? 4 : 3);
        Msgpack.writeStr(out, Msgpack.TYPE);
        Msgpack.writeUInt(out, 2);
        Msgpack.writeStr(out, Msgpack.DATA);
        Msgpack.writeArrayHeader(out, 1 + args);
        Msgpack.writeStr(out, name);
    }

    /** The end of a msgpack EVENT packet: the main namespace, and the ack id unless it is negative. */
    private static void eventTail(ByteBuf out, long id) {
        Msgpack.writeStr(out, Msgpack.NSP);
        Msgpack.writeStr(out, MP_NSP);
        if (id >= 0) {
            Msgpack.writeStr(out, Msgpack.ID);
            Msgpack.writeUInt(out, id);
        }
    }

    // ---------------------------------------------------------------- measuring

    private record Snapshot(long nanos, long received, long completed, double serverCpu, double selfCpu,
                            double redisCpu) {
    }

    private Snapshot snapshot() {
        return new Snapshot(System.nanoTime(), received.sum(), completed.sum(), ProcStat.cpuSeconds(serverPids),
                ProcStat.cpuSeconds(selfPid), ProcStat.cpuSeconds(redisPids));
    }

    private ObjectNode rates(Snapshot a, Snapshot b, String unit) {
        double seconds = (b.nanos - a.nanos) / 1e9;
        long count = b.received - a.received;
        long ops = b.completed - a.completed;
        double serverCpu = b.serverCpu - a.serverCpu;
        double selfCpu = b.selfCpu - a.selfCpu;
        ObjectNode out = JSON.createObjectNode();
        out.put("seconds", seconds);
        out.put(unit, count);
        out.put(unit + "_per_s", count / seconds);
        out.put("completed", ops);
        out.put("server_cpu_s", serverCpu);
        out.put("server_cpu_util", serverCpu / seconds);
        out.put("server_cpu_us_per_op", count > 0 ? serverCpu * 1e6 / count : Double.NaN);
        out.put("gen_cpu_s", selfCpu);
        out.put("gen_cpu_util", selfCpu / seconds);
        out.put("gen_cpu_us_per_op", count > 0 ? selfCpu * 1e6 / count : Double.NaN);
        if (redisPids.length > 0) {
            double redisCpu = b.redisCpu - a.redisCpu;
            out.put("redis_cpu_s", redisCpu);
            out.put("redis_cpu_util", redisCpu / seconds);
            out.put("redis_cpu_us_per_op", count > 0 ? redisCpu * 1e6 / count : Double.NaN);
        }
        return out;
    }

    private static void putLatency(ObjectNode out, Histogram h) {
        out.put("samples", h.getTotalCount());
        out.put("p50_ms", h.getValueAtPercentile(50) / 1e6);
        out.put("p90_ms", h.getValueAtPercentile(90) / 1e6);
        out.put("p99_ms", h.getValueAtPercentile(99) / 1e6);
        out.put("p999_ms", h.getValueAtPercentile(99.9) / 1e6);
        out.put("max_ms", h.getMaxValue() / 1e6);
    }

    private static void sleepSeconds(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }
}
