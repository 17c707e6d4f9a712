package io.switchboard.engine;

/**
 * On the owner, a polling request that reached another node: the session answers it as any request, and the
 * answer travels back to the relay, which writes it to the client. Responding twice is ignored.
 */
final class RemotePollExchange implements PollExchange {
    private final ClusterEngine cluster;
    private final String relay;
    private final long id;
    private final String sid;
    private final long arrivedAt;
    private boolean responded;
    private boolean aborted;
    private Runnable onAbort;

    RemotePollExchange(ClusterEngine cluster, String relay, long id, String sid, long arrivedAt) {
        this.cluster = cluster;
        this.relay = relay;
        this.id = id;
        this.sid = sid;
        this.arrivedAt = arrivedAt;
    }

    @Override
    public void respondPayload(String payload) {
        respond(ClusterMessage.Type.REPLY_PAYLOAD, 200, payload);
    }

    @Override
    public void respondOk() {
        respond(ClusterMessage.Type.REPLY_OK, 200, null);
    }

    @Override
    public void respondError(EngineError error) {
        respond(ClusterMessage.Type.REPLY_ERROR, error.code, null);
    }

    @Override
    public void respondStatus(int status) {
        respond(ClusterMessage.Type.REPLY_STATUS, status, null);
    }

    private void respond(ClusterMessage.Type type, int code, String text) {
        synchronized (this) {
            if (responded) {
                return;
            }
            responded = true;
        }
        cluster.reply(relay, id, sid, type, code, text);
    }

    /** When the owner read the relayed request, which orders two overlapping GETs as for local ones. */
    @Override
    public long arrivedAt() {
        return arrivedAt;
    }

    @Override
    public void onAbort(Runnable callback) {
        boolean now;
        synchronized (this) {
            onAbort = callback;
            now = aborted && !responded;
        }
        if (now) {
            callback.run();
        }
    }

    /** The relay says the client dropped the request (or the relay stopped waiting for it). */
    void aborted() {
        Runnable callback;
        synchronized (this) {
            if (aborted || responded) {
                return;
            }
            aborted = true;
            callback = onAbort;
        }
        if (callback != null) {
            callback.run();
        }
    }
}
