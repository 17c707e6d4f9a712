package io.switchboard.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * One event a client emitted: its name, its arguments (JSON values, binary as {@code BinaryNode}) and, when the
 * client asked for one, the acknowledgement to answer with.
 */
public final class Event {
    private final Socket socket;
    private final String name;
    private final ArrayNode args;
    private final Long ackId;
    private boolean acked;

    Event(Socket socket, String name, ArrayNode args, Long ackId) {
        this.socket = socket;
        this.name = name;
        this.args = args;
        this.ackId = ackId;
    }

    public Socket socket() {
        return socket;
    }

    public String name() {
        return name;
    }

    /** The arguments after the event name. */
    public ArrayNode args() {
        return args;
    }

    /** The arguments as an array, to pass them on to another emit as they are. */
    public Object[] argsArray() {
        Object[] values = new Object[args.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = args.get(i);
        }
        return values;
    }

    /** The argument at the index, or a missing node when there are fewer. */
    public JsonNode arg(int index) {
        return args.path(index);
    }

    /** The argument at the index converted to a Java type with the server's JSON mapper. */
    public <T> T arg(int index, Class<T> type) {
        return socket.namespace().server().json().fromNode(args.get(index), type);
    }

    public boolean wantsAck() {
        return ackId != null;
    }

    /** Answers the client's acknowledgement callback with these arguments; only the first call counts. */
    public void ack(Object... values) {
        if (ackId == null || acked) {
            return;
        }
        acked = true;
        socket.sendAck(ackId, socket.namespace().server().json().array(values));
    }

    /** Answers with the arguments as they are, e.g. to echo what came in. */
    public void ackWith(ArrayNode values) {
        if (ackId == null || acked) {
            return;
        }
        acked = true;
        socket.sendAck(ackId, values);
    }
}
