package io.switchboard.server.memory;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.IntSupplier;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back to the system, after a burst of connects, the memory that the burst's garbage took: the packaged server
 * started with the JVM's defaults (as the README starts it) has a young generation of hundreds of MiB, which a connect
 * storm fills and which stays resident. Of the options that decide that, a running JVM may change only the
 * "manageable" ones, so this sets, when they were not given on the command line: {@code MinHeapFreeRatio} 10 and
 * {@code MaxHeapFreeRatio} 20 (a concurrent cycle then shrinks the heap to its use and uncommits the rest), and, once
 * a burst has ended, {@code G1PeriodicGCInterval} for a single concurrent cycle (no full pause), back to 0 as soon as
 * it has begun. An option the user gave is left as it is; other collectors than G1 are left alone.
 */
public final class HeapReturn implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeapReturn.class);
    private static final long TICK_MILLIS = 200;
    /** A burst: at least this many new connections, then none for a second. */
    private static final int MIN_GROWTH = 2_000;
    private static final long QUIET_MILLIS = 1_000;
    /** Short, so that the collector's own check (which runs at this interval once set) starts the cycle soon. */
    private static final String CYCLE_INTERVAL = "100";

    private final HotSpotDiagnosticMXBean vm;
    private final GarbageCollectorMXBean young;
    private final IntSupplier connections;
    private final Thread thread;
    private volatile boolean closed;

    private HeapReturn(HotSpotDiagnosticMXBean vm, GarbageCollectorMXBean young, IntSupplier connections) {
        this.vm = vm;
        this.young = young;
        this.connections = connections;
        this.thread = new Thread(this::run, "switchboard-heap-return");
        this.thread.setDaemon(true);
    }

    /**
     * Starts it for this JVM, reading the node's connection count; null (and nothing changed) when the JVM does not
     * run G1 or the user chose the periodic collection themselves.
     */
    public static HeapReturn start(IntSupplier connections) {
        try {
            return startOnG1(connections);
        } catch (RuntimeException | LinkageError e) {
            // a JVM without these options (not HotSpot, or one that names them otherwise): nothing to tune
            log.debug("heap return after connect bursts not available: {}", e.toString());
            return null;
        }
    }

    private static HeapReturn startOnG1(IntSupplier connections) {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        GarbageCollectorMXBean young = collector("G1 Young Generation");
        if (vm == null || young == null || given(vm, "G1PeriodicGCInterval")) {
            return null;
        }
        if (!given(vm, "MinHeapFreeRatio") && !given(vm, "MaxHeapFreeRatio")) {
            vm.setVMOption("MinHeapFreeRatio", "10");
            vm.setVMOption("MaxHeapFreeRatio", "20");
        }
        HeapReturn heapReturn = new HeapReturn(vm, young, connections);
        heapReturn.thread.start();
        return heapReturn;
    }

    private static boolean given(HotSpotDiagnosticMXBean vm, String option) {
        return vm.getVMOption(option).getOrigin() != VMOption.Origin.DEFAULT;
    }

    private static GarbageCollectorMXBean collector(String name) {
        List<GarbageCollectorMXBean> all = ManagementFactory.getGarbageCollectorMXBeans();
        return all.stream().filter(gc -> gc.getName().equals(name)).findFirst().orElse(null);
    }

    private void run() {
        ConnectBurst burst = new ConnectBurst(MIN_GROWTH, QUIET_MILLIS, connections.getAsInt(), now());
        long collectionsAtRequest = -1;
        try {
            while (!closed) {
                Thread.sleep(TICK_MILLIS);
                if (collectionsAtRequest >= 0) {
                    // the cycle starts with a young pause: once one has run, the periodic collection is off again
                    if (young.getCollectionCount() > collectionsAtRequest) {
                        vm.setVMOption("G1PeriodicGCInterval", "0");
                        collectionsAtRequest = -1;
                    }
                } else if (burst.ended(connections.getAsInt(), now())) {
                    collectionsAtRequest = young.getCollectionCount();
                    vm.setVMOption("G1PeriodicGCInterval", CYCLE_INTERVAL);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("returning heap after connect bursts stopped: {}", e.toString());
        } finally {
            try {
                vm.setVMOption("G1PeriodicGCInterval", "0");
            } catch (RuntimeException ignored) {
                // the JVM is going away
            }
        }
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
