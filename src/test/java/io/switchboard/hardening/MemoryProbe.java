package io.switchboard.hardening;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;

/**
 * The memory a server (and the clients sharing its JVM) holds: heap after a collection, the direct memory of Netty's
 * default allocator (the server's), and all direct NIO buffers (which include the shared broadcast frames).
 */
final class MemoryProbe {
    private MemoryProbe() {
    }

    record Sample(long heapAfterGc, long allocatorDirect, long nioDirect, long nettyCounted) {
        static final long MIB = 1024 * 1024;

        @Override
        public String toString() {
            return String.format("heap after GC %.1f MiB, allocator direct %.1f MiB, NIO direct %.1f MiB,"
                            + " Netty-counted direct %s", heapAfterGc / (double) MIB, allocatorDirect / (double) MIB,
                    nioDirect / (double) MIB, nettyCounted < 0 ? "n/a" : String.format("%.1f MiB",
                            nettyCounted / (double) MIB));
        }
    }

    static Sample sample() {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long allocatorDirect = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider
                ? provider.metric().usedDirectMemory() : -1;
        long nio = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                nio = pool.getMemoryUsed();
            }
        }
        return new Sample(heap, allocatorDirect, nio, PlatformDependent.usedDirectMemory());
    }
}
