package io.switchboard.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * Switches the console log between readable text (logback.xml) and one JSON object per line, written by logback's
 * own {@link JsonEncoder}: each object has the level, logger, thread, timestamp, the message template
 * ({@code message}), the message with its arguments filled in ({@code formattedMessage}) and any throwable.
 */
final class LogFormat {
    private static final String JSON_APPENDER = "JSON";

    private LogFormat() {
    }

    /** Idempotent: the command line applies it as soon as the configuration is read, the server again. */
    static void apply(String format) {
        if (!"json".equals(format) || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)
                || json()) {
            return;
        }
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithFormattedMessage(true);
        encoder.setWithArguments(false);   // already in formattedMessage
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(JSON_APPENDER);
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
    }

    /** Whether the console log is JSON, so that what the server prints goes through it too. */
    static boolean json() {
        return LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(JSON_APPENDER) != null;
    }
}
