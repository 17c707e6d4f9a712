package io.switchboard.engine;

import java.util.List;

/**
 * One message between two nodes of a cluster engine. {@code from} is the sender's node tag, {@code id} names the
 * forwarded request or websocket bridge on the node that opened it, {@code sid} the session; {@code code},
 * {@code text} and {@code frames} carry what the type needs (see {@link Type}).
 */
public record ClusterMessage(Type type, String from, long id, String sid, int code, String text,
                             List<Frame> frames) {
    /** What travels: the relay is the node the client's request reached, the owner the node that has the session. */
    public enum Type {
        /** relay → owner: a polling GET. */
        POLL_GET,
        /** relay → owner: a polling POST, its body in {@code text}. */
        POLL_POST,
        /** relay → owner: the client dropped the request, or the relay gave up waiting. */
        POLL_ABORT,
        /** owner → relay: 200 with the payload in {@code text}. */
        REPLY_PAYLOAD,
        /** owner → relay: 200 "ok", a POST's answer. */
        REPLY_OK,
        /** owner → relay: the Engine.IO error numbered {@code code}. */
        REPLY_ERROR,
        /** owner → relay: a bare HTTP status {@code code}. */
        REPLY_STATUS,
        /** relay → owner: a websocket for the session arrived at the relay; it is bridged from now on. */
        WS_OPEN,
        /** relay → owner: frames the client sent on the bridged websocket. */
        WS_IN,
        /** owner → relay: frames for the client. */
        WS_OUT,
        /** relay → owner: the client's websocket closed. */
        WS_CLOSED,
        /** owner → relay: write these last frames, then close the websocket. */
        WS_CLOSE
    }

    /** One websocket frame's content: UTF-8 text, or binary. */
    public record Frame(boolean binary, byte[] bytes) {
    }

    public ClusterMessage {
        frames = frames == null ? List.of() : frames;
    }

    static ClusterMessage of(Type type, String from, long id, String sid) {
        return new ClusterMessage(type, from, id, sid, 0, null, List.of());
    }
}
