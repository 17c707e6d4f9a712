package io.switchboard.core.memory;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.ThreadMXBean;
import com.sun.management.VMOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back to the system, after a burst of work (a connect storm, joins announced to rooms, a wave of polling
 * clients), the memory that the burst's garbage took. A JVM started with its defaults sizes the young generation by
 * pause goals, to hundreds of MiB on a large machine; a burst fills it and it stays resident although the
 * connections it leaves behind need a fraction of it. Of the options that decide that, a running JVM may change only
 * the "manageable" ones, so this sets, when they were not given on the command line: {@code MinHeapFreeRatio} 10 and
 * {@code MaxHeapFreeRatio} 20 (a collection then shrinks the heap to its use and uncommits the rest). Once a burst
 * has ended it asks for collections of one of two kinds:
 * <ul>
 * <li>periodic collections ({@code G1PeriodicGCInterval} set for them, back to 0 once the heap has shrunk or a few
 * seconds have passed), young pauses on an empty young generation that start a concurrent cycle, which pause
 * nothing worth naming; they return the young generation the burst grew and the old regions the burst's promoted
 * garbage emptied, while garbage mixed with what stays alive waits for later collections. A library's share.</li>
 * <li>a full collection ({@link System#gc()}): it compacts, so everything the burst left goes back, for one pause
 * in proportion to the live heap (about 150 ms for 85 MiB on two cores), so they are spaced to take at most 1 % of
 * the time, with a concurrent cycle for a burst that ends sooner. For the process that is the server, such as the
 * packaged one, which asks for it with {@link #acquireCompacting()}.</li>
 * </ul>
 * After either it trims the C heap ({@code System.trim_native_heap}, where the JVM has it): a burst grows the
 * allocator's arenas too (the JIT's, the collector's own structures), some 3.5 KiB per connection after joins
 * announced to rooms, and glibc keeps what was freed. An option the user gave is left as it is; other collectors
 * than G1 are left alone.
 *
 * <p>The heap and these options belong to the JVM, not to one server: every server of the process shares one
 * instance, which runs while at least one of them holds it, and compacts while one holder asked for that. When the
 * last lets go, the ratios are put back as they were.
 */
public final class HeapReturn {
    private static final Logger log = LoggerFactory.getLogger(HeapReturn.class);
    private static final long TICK_MILLIS = 200;
    /**
     * A burst: this much allocated faster than {@link #BURST_RATE} (a connect storm allocates 10 to 40 MiB/s here),
     * then a second at most at {@link #QUIET_RATE}; steady work between the two (broadcasts to a thousand clients at
     * 20 a second: 3 to 6 MiB/s) is neither.
     */
    private static final long MIN_BURST = 16L << 20;
    private static final long BURST_RATE = 8L << 20;
    private static final long QUIET_RATE = 4L << 20;
    /** Returns come at most this often: load that comes and goes in waves pays for one per wave at most. */
    private static final long MIN_SPACING_MILLIS = 10_000;
    private static final long QUIET_MILLIS = 1_000;
    /** Short, so that the collector's own check (which runs at least once a second) starts the cycle soon. */
    private static final String CYCLE_INTERVAL = "100";
    /** The collector starts a periodic cycle only after this long without any collection: give up after it. */
    private static final long CYCLE_WAIT_MILLIS = 3_000;
    private static final String PERIODIC_CAUSE = "G1 Periodic Collection";
    /**
     * Periodic pauses go on after the first until the heap shrinks, at most this many of them or this long: enough
     * for a mixed phase's few pauses and then a marking; each marking costs CPU in proportion to the live heap.
     */
    private static final int MAX_PERIODIC_PAUSES = 6;
    private static final long SETTLE_MILLIS = 3_000;
    /** Asked again at the next quiet when the cycle did not begin, at most this often per burst. */
    private static final int MAX_RETRIES = 2;

    /** Full collections pause the application: they may take at most 1 % of the time (as the last one lasted). */
    private static final long COMPACT_SPACING_FACTOR = 100;

    private static final javax.management.ObjectName DIAGNOSTIC_COMMANDS =
            objectName("com.sun.management:type=DiagnosticCommand");

    private static HeapReturn shared;
    private static int holders;
    private static int compactingHolders;

    private final HotSpotDiagnosticMXBean vm;
    private final ThreadMXBean threads;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final NotificationEmitter young;
    /** Periodic pauses since the last request. */
    private final AtomicInteger periodicPauses = new AtomicInteger();
    private final NotificationListener onCollection = this::onCollection;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean compacting;
    /** The free ratios as they were before this set them (null when it left them), put back when it stops. */
    private String[] ratiosBefore;

    private HeapReturn(HotSpotDiagnosticMXBean vm, ThreadMXBean threads, NotificationEmitter young) {
        this.vm = vm;
        this.threads = threads;
        this.young = young;
        this.thread = new Thread(this::run, "switchboard-heap-return");
        this.thread.setDaemon(true);
    }

    /**
     * Holds the process's heap return, starting it when it is the first holder; closing the handle lets it go, and
     * the last one to go stops it. Nothing is started (and the handle does nothing) when the JVM does not run G1,
     * cannot count allocation, or the user chose the periodic collection themselves.
     */
    public static Hold acquire() {
        return hold(false);
    }

    /** As {@link #acquire()}, asking for full collections after bursts: for the process that is the server. */
    public static Hold acquireCompacting() {
        return hold(true);
    }

    private static synchronized Hold hold(boolean compact) {
        if (holders++ == 0) {
            shared = start();
        }
        if (compact) {
            compactingHolders++;
        }
        update();
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                release(compact);
            }
        };
    }

    private static void update() {
        if (shared != null) {
            shared.compacting = compactingHolders > 0;
        }
    }

    /** A server's hold on the heap return; closing it twice lets go once. */
    public interface Hold extends AutoCloseable {
        @Override
        void close();
    }

    private static synchronized void release(boolean compact) {
        if (compact) {
            compactingHolders--;
        }
        update();
        if (--holders == 0 && shared != null) {
            shared.close();
            shared = null;
        }
    }

    private static HeapReturn start() {
        try {
            return startOnG1();
        } catch (RuntimeException | LinkageError e) {
            // a JVM without these options (not HotSpot, or one that names them otherwise): nothing to tune
            log.debug("heap return after bursts not available: {}", e.toString());
            return null;
        }
    }

    private static HeapReturn startOnG1() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        GarbageCollectorMXBean young = collector("G1 Young Generation");
        if (vm == null || !(young instanceof NotificationEmitter emitter) || given(vm, "G1PeriodicGCInterval")
                || !(ManagementFactory.getThreadMXBean() instanceof ThreadMXBean threads)
                || !threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
            return null;
        }
        HeapReturn heapReturn = new HeapReturn(vm, threads, emitter);
        if (!given(vm, "MinHeapFreeRatio") && !given(vm, "MaxHeapFreeRatio")) {
            heapReturn.ratiosBefore = new String[] {vm.getVMOption("MinHeapFreeRatio").getValue(),
                    vm.getVMOption("MaxHeapFreeRatio").getValue()};
            vm.setVMOption("MinHeapFreeRatio", "10");
            vm.setVMOption("MaxHeapFreeRatio", "20");
        }
        emitter.addNotificationListener(heapReturn.onCollection, null, null);
        heapReturn.thread.start();
        return heapReturn;
    }

    private static javax.management.ObjectName objectName(String name) {
        try {
            return new javax.management.ObjectName(name);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Whether the user chose this option when starting the JVM. What was set while it ran (by this class, for an
     * earlier server of the process) does not count, or a second server would find its own settings and stay off.
     */
    private static boolean given(HotSpotDiagnosticMXBean vm, String option) {
        VMOption.Origin origin = vm.getVMOption(option).getOrigin();
        return origin == VMOption.Origin.VM_CREATION || origin == VMOption.Origin.ENVIRON_VAR
                || origin == VMOption.Origin.CONFIG_FILE;
    }

    private static GarbageCollectorMXBean collector(String name) {
        List<GarbageCollectorMXBean> all = ManagementFactory.getGarbageCollectorMXBeans();
        return all.stream().filter(gc -> gc.getName().equals(name)).findFirst().orElse(null);
    }

    private void onCollection(Notification notification, Object handback) {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            if (PERIODIC_CAUSE.equals(info.getGcCause())) {
                periodicPauses.incrementAndGet();
            }
        }
    }

    private void run() {
        AllocationBurst burst = new AllocationBurst(MIN_BURST, BURST_RATE, QUIET_RATE, QUIET_MILLIS,
                threads.getTotalThreadAllocatedBytes(), now());
        long requestedAt = -1;
        long begunAt = -1;
        long committedAtRequest = 0;
        long compactAgainAt = 0;
        long cycleAgainAt = 0;
        int retries = 0;
        boolean pending = false;
        try {
            while (!closed) {
                Thread.sleep(TICK_MILLIS);
                long now = now();
                pending |= burst.ended(threads.getTotalThreadAllocatedBytes(), now);
                if (requestedAt >= 0 && begunAt < 0) {
                    // only the periodic collection itself counts: an ordinary young pause that happens to come
                    // first (the burst's last garbage) starts no cycle and shrinks nothing
                    if (periodicPauses.get() > 0) {
                        begunAt = now;
                        retries = 0;
                    } else if (now - requestedAt >= CYCLE_WAIT_MILLIS) {
                        vm.setVMOption("G1PeriodicGCInterval", "0");
                        requestedAt = -1;
                        if (retries++ < MAX_RETRIES) {
                            burst.retry(); // allocation went on and kept the collector busy: at the next quiet
                        } else {
                            retries = 0;
                        }
                    }
                } else if (begunAt >= 0) {
                    // The first periodic pause may fall in a mixed phase that a marking during the burst began:
                    // that marking saw the burst's promoted garbage alive, so its mixed pauses return little. Left
                    // on, the periodic pauses go through that phase and start a marking of their own, whose end
                    // shrinks the heap; off once it has, or after a while when there was nothing to give back.
                    if (committed() < committedAtRequest || periodicPauses.get() >= MAX_PERIODIC_PAUSES
                            || now - begunAt >= SETTLE_MILLIS) {
                        vm.setVMOption("G1PeriodicGCInterval", "0");
                        requestedAt = -1;
                        begunAt = -1;
                        trimNativeHeap();
                        cycleAgainAt = now() + MIN_SPACING_MILLIS;
                    }
                } else if (pending && compacting && now >= compactAgainAt) {
                    pending = false;
                    System.gc();
                    trimNativeHeap();
                    long after = now();
                    compactAgainAt = after + (after - now) * COMPACT_SPACING_FACTOR;
                } else if (pending && now >= cycleAgainAt) {
                    // the library's way, and the packaged server's while its last full pause is too recent (a
                    // lull inside a connect storm, then its real end): what a marking finds empty goes back
                    pending = false;
                    periodicPauses.set(0);
                    requestedAt = now;
                    committedAtRequest = committed();
                    vm.setVMOption("G1PeriodicGCInterval", CYCLE_INTERVAL);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("returning heap after bursts stopped: {}", e.toString());
        } finally {
            try {
                young.removeNotificationListener(onCollection);
                vm.setVMOption("G1PeriodicGCInterval", "0");
            } catch (RuntimeException | javax.management.ListenerNotFoundException ignored) {
                // the JVM is going away
            }
        }
    }

    private long committed() {
        return memory.getHeapMemoryUsage().getCommitted();
    }

    /** Gives the C heap's free pages back; nothing where the JVM has no such command (before 17.0.9). */
    private static void trimNativeHeap() {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(DIAGNOSTIC_COMMANDS, "systemTrimNativeHeap",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (javax.management.JMException | RuntimeException e) {
            log.debug("no native heap trim: {}", e.toString());
        }
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }

    /** Stops it and waits (briefly) until the options it set for a cycle are back: the last server is closed. */
    private void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ratiosBefore != null) {
            try {
                // in this order: the minimum may never exceed the maximum
                vm.setVMOption("MaxHeapFreeRatio", ratiosBefore[1]);
                vm.setVMOption("MinHeapFreeRatio", ratiosBefore[0]);
            } catch (RuntimeException e) {
                log.debug("heap free ratios not put back: {}", e.toString());
            }
        }
    }
}
