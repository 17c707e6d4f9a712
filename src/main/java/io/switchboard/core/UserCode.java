package io.switchboard.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the core calls application code: whatever the callback throws is logged with the socket and event,
 * counted through {@link ServerObserver#handlerError}, and goes no further, so that it can neither close the
 * connection nor skip the cleanup that follows the call.
 */
final class UserCode {
    private static final Logger log = LoggerFactory.getLogger(UserCode.class);

    private UserCode() {
    }

    /**
     * Runs the callback; false when it threw. {@code socketId} and {@code event} only name the call in the log (either
     * may be null).
     */
    static boolean run(ServerObserver observer, HandlerKind kind, String socketId, String event, Runnable call) {
        try {
            call.run();
            return true;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            failed(observer, kind, socketId, event, e);
            return false;
        }
    }

    static void failed(ServerObserver observer, HandlerKind kind, String socketId, String event, Throwable error) {
        log.warn("{} callback failed (socket {}, event {})", kind.code(), socketId == null ? "-" : socketId,
                event == null ? "-" : event, error);
        try {
            observer.handlerError(kind);
        } catch (RuntimeException e) {
            log.warn("observer failed counting a handler error", e);
        }
    }
}
