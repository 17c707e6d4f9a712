package io.switchboard.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A server embedded in a JVM left to its defaults gives back, after a burst, the heap the burst grew; with the option
 * off the JVM is left as it was. Each case runs {@link HeapReturnProbe} in a JVM of its own: the heap, its options
 * and its collections are the process's, and this test JVM's other servers would share them.
 */
class HeapReturnTest {
    @Test
    void afterABurstTheHeapShrinksToWhatIsInUse() throws Exception {
        Map<String, String> report = probe("on", 30_000);
        long peak = Long.parseLong(report.get("peak"));
        long lowest = Long.parseLong(report.get("lowest"));
        assertTrue(report.get("causes").contains("G1 Periodic Collection"), report.toString());
        assertTrue(lowest < peak / 2, "committed heap from " + peak + " down to " + lowest + " only: " + report);
        assertEquals("20", report.get("MaxHeapFreeRatio"), report.toString());
        long peak2 = Long.parseLong(report.get("peak2"));
        long lowest2 = Long.parseLong(report.get("lowest2"));
        assertTrue(lowest2 < peak2 / 2, "a second server, after the first closed, returns its burst too: " + report);
        assertTrue(Integer.parseInt(report.get("returns")) >= 2, "a collection for each burst: " + report);
        assertEquals("0", report.get("G1PeriodicGCInterval"), "left off once the server closed: " + report);
        assertEquals("70", report.get("MaxHeapFreeRatioAfterClose"), "put back once the server closed: " + report);
    }

    @Test
    void theProcessThatIsTheServerCompactsAfterABurst() throws Exception {
        Map<String, String> report = probe("compact", 30_000);
        long peak = Long.parseLong(report.get("peak"));
        long lowest = Long.parseLong(report.get("lowest"));
        assertTrue(report.get("causes").contains("System.gc()"), "one full collection: " + report);
        assertTrue(lowest < peak / 2, "committed heap from " + peak + " down to " + lowest + " only: " + report);
    }

    @Test
    void offLeavesTheJvmAsItWas() throws Exception {
        Map<String, String> report = probe("off", 6_000);
        assertFalse(report.get("causes").contains("G1 Periodic Collection"), report.toString());
        assertEquals("70", report.get("MaxHeapFreeRatio"), "the JVM's default: " + report);
    }

    private static Map<String, String> probe(String mode, long watchMillis) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HeapReturnProbe.class.getName(), mode, Long.toString(watchMillis))
                .redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(watchMillis + 60_000, TimeUnit.MILLISECONDS), "the probe ended");
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), text);
        Map<String, String> report = new HashMap<>();
        for (String line : List.of(text.split("\n"))) {
            int space = line.indexOf(' ');
            if (space > 0) {
                report.put(line.substring(0, space), line.substring(space + 1).trim());
            }
        }
        assertTrue(report.containsKey("G1PeriodicGCInterval"), "the probe reported: " + text);
        return report;
    }
}
