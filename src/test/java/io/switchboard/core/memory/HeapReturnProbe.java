package io.switchboard.core.memory;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;

/**
 * Run in a JVM of its own with the JVM's defaults (see {@link HeapReturnTest}): holds a server with heap return on
 * or off, grows the heap with a burst of allocation, drops it, and reports on stdout, one "key value" per line, what
 * the heap did over the next seconds: the committed heap at its peak and at its lowest, and the collections' causes.
 * With heap return on it does so twice, a new server each time, as an application that restarts its server would.
 */
public final class HeapReturnProbe {
    private HeapReturnProbe() {
    }

    public static void main(String[] args) throws Exception {
        boolean on = !args[0].equals("off");
        if (args[0].equals("compact")) {
            HeapReturn.acquireCompacting();
        }
        long watchMillis = Long.parseLong(args[1]);
        Set<String> causes = ConcurrentHashMap.newKeySet();
        AtomicInteger returns = new AtomicInteger();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                String cause = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData())
                        .getGcCause();
                causes.add(cause);
                if (returned(cause)) {
                    returns.incrementAndGet();
                }
            }, null, null);
        }
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        int rounds = args[0].equals("on") ? 2 : 1;
        for (int round = 1; round <= rounds; round++) {
            Server server = new Server(new ServerOptions().returnHeapAfterBursts(on));
            int returnsBefore = returns.get();
            // the burst: 1 GiB allocated, the latest 160 MiB of it reachable at any time, so that the heap grows
            byte[][] ring = new byte[160 * 16][];
            for (int i = 0; i < 1024 * 16; i++) {
                ring[i % ring.length] = new byte[64 * 1024];
            }
            long peak = memory.getHeapMemoryUsage().getCommitted();
            ring = null;
            long lowest = peak;
            long deadline = System.nanoTime() + watchMillis * 1_000_000;
            while (System.nanoTime() < deadline && !(on && returns.get() > returnsBefore && lowest < peak / 2)) {
                Thread.sleep(100);
                lowest = Math.min(lowest, memory.getHeapMemoryUsage().getCommitted());
            }
            String suffix = round == 1 ? "" : Integer.toString(round);
            System.out.println("peak" + suffix + " " + peak);
            System.out.println("lowest" + suffix + " " + lowest);
            System.out.println("MaxHeapFreeRatio" + suffix + " " + vm.getVMOption("MaxHeapFreeRatio").getValue());
            server.close();
        }
        System.out.println("returns " + returns.get());
        System.out.println("causes " + String.join(",", causes));
        System.out.println("G1PeriodicGCInterval " + vm.getVMOption("G1PeriodicGCInterval").getValue());
        System.out.println("MaxHeapFreeRatioAfterClose " + vm.getVMOption("MaxHeapFreeRatio").getValue());
    }

    private static boolean returned(String cause) {
        return cause.equals("G1 Periodic Collection") || cause.equals("System.gc()");
    }
}
