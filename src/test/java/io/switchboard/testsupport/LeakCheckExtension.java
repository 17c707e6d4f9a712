package io.switchboard.testsupport;

import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test, or its class, in which Netty reported a leaked buffer, with the report in the failure. Registered
 * for every test through junit-platform.properties and the service file. Netty reports a leak only once the leaked
 * buffer has been garbage collected and a later allocation polls the detector's queue, so after each class the
 * check collects garbage and allocates until pending reports are out.
 */
public final class LeakCheckExtension implements AfterEachCallback, AfterAllCallback {
    private static final int FLUSH_ROUNDS = 2;

    @Override
    public void afterEach(ExtensionContext context) {
        failOn(appender().take(), context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        flushPendingReports();
        failOn(appender().take(), context.getDisplayName());
    }

    /**
     * Brings out the reports of buffers that became garbage so far and returns them, so that they no longer fail
     * anything: for a test that leaks on purpose.
     */
    public static List<String> takeReports() {
        flushPendingReports();
        return appender().take();
    }

    /** Collects garbage, then allocates tracked buffers, whose allocation polls the leak detectors' queues. */
    public static void flushPendingReports() {
        if (ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.DISABLED) {
            return;
        }
        for (int round = 0; round < FLUSH_ROUNDS; round++) {
            System.gc();
            try {
                // reference processing runs on its own thread after the collection
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (int i = 0; i < 64; i++) {
                release(PooledByteBufAllocator.DEFAULT.directBuffer(16));
                release(PooledByteBufAllocator.DEFAULT.heapBuffer(16));
                release(UnpooledByteBufAllocator.DEFAULT.directBuffer(16));
                release(UnpooledByteBufAllocator.DEFAULT.heapBuffer(16));
            }
        }
    }

    private static void release(ByteBuf buffer) {
        buffer.release();
    }

    /** Throws, with the reports in the message, when there are any. */
    static void failOn(List<String> reports, String where) {
        if (!reports.isEmpty()) {
            throw new AssertionError("Netty reported " + reports.size() + " leaked buffer(s) in " + where + ":\n"
                    + String.join("\n\n", reports));
        }
    }

    private static LeakReportAppender appender() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger leakLogger = logging.getLogger(ResourceLeakDetector.class);
        if (leakLogger.getAppender(LeakReportAppender.NAME) instanceof LeakReportAppender appender) {
            return appender;
        }
        // without the appender the check would pass whatever leaked
        throw new IllegalStateException("logback-test.xml must attach the " + LeakReportAppender.NAME
                + " appender to the logger " + ResourceLeakDetector.class.getName());
    }
}
