package io.switchboard.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/** The leak check sees a buffer that was never released, and would fail the test that leaked it. */
class LeakCheckExtensionTest {
    private static final long DEADLINE_MILLIS = 20_000;

    @Test
    void theTestsRunWithParanoidLeakDetection() {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
    }

    @Test
    void aBufferNeverReleasedIsReportedAndWouldFailTheTest() throws Exception {
        leakOneBuffer();

        List<String> reports = new ArrayList<>();
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (reports.stream().noneMatch(LeakCheckExtensionTest::isOurs) && System.currentTimeMillis() < deadline) {
            reports.addAll(LeakCheckExtension.takeReports());
        }
        assertTrue(reports.stream().anyMatch(LeakCheckExtensionTest::isOurs),
                "no leak report naming leakOneBuffer; got " + reports);

        // what the extension does with a report it finds after a test: fail it, with the report in the message
        AssertionError failure = assertThrows(AssertionError.class,
                () -> LeakCheckExtension.failOn(reports, "this test"));
        assertTrue(failure.getMessage().contains("leakOneBuffer"), failure.getMessage());
    }

    private static boolean isOurs(String report) {
        return report.contains("LEAK:") && report.contains("leakOneBuffer");
    }

    /** Allocates a tracked buffer and drops it unreleased; paranoid detection records where it was allocated. */
    private static void leakOneBuffer() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        leaked.writeLong(System.nanoTime());
    }
}
