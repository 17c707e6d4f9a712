package io.switchboard.testsupport;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

/**
 * Keeps every Netty leak report ("LEAK: ...", logged at ERROR by the resource leak detector) until the leak check
 * takes it. Configured in logback-test.xml; {@link LeakCheckExtension} finds it through the logger context.
 */
public final class LeakReportAppender extends AppenderBase<ILoggingEvent> {
    public static final String NAME = "NETTY_LEAKS";
    static final String MARK = "LEAK:";

    private final List<String> reports = new ArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        if (message != null && message.contains(MARK)) {
            synchronized (reports) {
                reports.add(message);
            }
        }
    }

    /** The reports seen since the last call, which forgets them. */
    public List<String> take() {
        synchronized (reports) {
            List<String> taken = List.copyOf(reports);
            reports.clear();
            return taken;
        }
    }
}
