package io.switchboard.engine;

/** What the layer above hears of one session. Called on the session's loop. */
public interface SessionListener {
    void onMessage(String text);

    void onBinary(byte[] data);

    /**
     * The session is gone. Reasons are the reference ones: "transport close", "transport error", "ping timeout",
     * "parse error", "forced close".
     */
    void onClose(String reason, String description);

    SessionListener NONE = new SessionListener() {
        @Override
        public void onMessage(String text) {
        }

        @Override
        public void onBinary(byte[] data) {
        }

        @Override
        public void onClose(String reason, String description) {
        }
    };
}
