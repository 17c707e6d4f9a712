package io.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads what the benchmarks measure from /proc: CPU time (utime+stime) and resident memory (VmRSS). */
public final class ProcStat {
    /** Clock ticks per second of utime/stime; 100 on every Linux this runs on (checked by bench/run). */
    public static final long CLK_TCK = Long.getLong("bench.clkTck", 100);

    private ProcStat() {
    }

    /** utime + stime of the process in seconds, or NaN when it cannot be read. */
    public static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name is in parentheses and may hold spaces: fields are counted after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(f[11]); // field 14 of the whole line
            long stime = Long.parseLong(f[12]); // field 15
            return (utime + stime) / (double) CLK_TCK;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Sum of {@link #cpuSeconds} over several processes. */
    public static double cpuSeconds(long[] pids) {
        double sum = 0;
        for (long pid : pids) {
            sum += cpuSeconds(pid);
        }
        return sum;
    }

    /** VmRSS in bytes, or -1. */
    public static long rssBytes(long pid) {
        return statusField(pid, "VmRSS:");
    }

    /** VmHWM (peak resident) in bytes, or -1. */
    public static long peakRssBytes(long pid) {
        return statusField(pid, "VmHWM:");
    }

    private static long statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    /** Open file descriptors of the process, or -1. */
    public static int openFds(long pid) {
        try (var entries = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) entries.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The soft limit on open files of the process (Max open files in /proc/pid/limits), or -1. */
    public static long maxOpenFiles(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }
}
