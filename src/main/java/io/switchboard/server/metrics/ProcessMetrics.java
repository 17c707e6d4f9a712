package io.switchboard.server.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * The process's own resources under the names Prometheus' client libraries use: {@code process_cpu_seconds_total},
 * {@code process_open_fds}, {@code process_max_fds}, {@code process_resident_memory_bytes},
 * {@code process_virtual_memory_bytes}, and {@code system_cpus}. Descriptors and resident memory are the limits this
 * server lives by (one descriptor per connection). Micrometer's {@code process.cpu.time} (in ns) and
 * {@code system.cpu.count} are replaced: their Prometheus names break the naming rules promtool checks.
 * Readings the platform does not offer (no /proc, no Unix MXBean) are left out rather than reported as 0.
 */
final class ProcessMetrics {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMetrics() {
    }

    /** Call before any binder registers meters: the filter applies to meters registered after it. */
    static void replaceMicrometerNames(MeterRegistry registry) {
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")
                || id.getName().equals("system.cpu.count")));
    }

    static void bindTo(MeterRegistry registry) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        Gauge.builder("system.cpus", Runtime.getRuntime(), Runtime::availableProcessors)
                .description("processors available to the JVM").register(registry);
        if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getProcessCpuTime() >= 0) {
            FunctionCounter.builder("process.cpu", sun, bean -> bean.getProcessCpuTime() / 1e9)
                    .baseUnit("seconds").description("CPU time the process used").register(registry);
        }
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            Gauge.builder("process.open.fds", unix, com.sun.management.UnixOperatingSystemMXBean
                    ::getOpenFileDescriptorCount).description("open file descriptors").register(registry);
            Gauge.builder("process.max.fds", unix, com.sun.management.UnixOperatingSystemMXBean
                    ::getMaxFileDescriptorCount).description("the most file descriptors the process may open")
                    .register(registry);
        }
        if (Files.isReadable(STATUS) && statusKib("VmRSS") >= 0) {
            Gauge.builder("process.resident.memory", () -> statusKib("VmRSS") * 1024.0).baseUnit("bytes")
                    .description("resident memory of the process").strongReference(true).register(registry);
            Gauge.builder("process.virtual.memory", () -> statusKib("VmSize") * 1024.0).baseUnit("bytes")
                    .description("virtual memory of the process").strongReference(true).register(registry);
        }
    }

    /** A "Name:   1234 kB" line of /proc/self/status, in KiB; -1 when it cannot be read. */
    private static double statusKib(String name) {
        try {
            List<String> lines = Files.readAllLines(STATUS);
            for (String line : lines) {
                if (line.startsWith(name + ":")) {
                    String[] parts = line.substring(name.length() + 1).trim().split("\\s+");
                    return Double.parseDouble(parts[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or a value we do not understand
        }
        return -1;
    }
}
