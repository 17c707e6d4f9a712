package io.switchboard.adapter.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.BroadcastFlags;
import io.switchboard.core.BroadcastOptions;

/** Broadcast options as the Node adapter writes them: {@code {rooms, except, flags}}. */
final class WireOptions {
    private WireOptions() {
    }

    /** {@code {rooms, except}}: the form of join, leave, disconnect and fetch requests. */
    static ObjectNode target(BroadcastOptions opts) {
        ObjectNode node = Wire.NODES.objectNode();
        node.set("rooms", Wire.roomArray(opts.rooms()));
        node.set("except", Wire.roomArray(opts.except()));
        return node;
    }

    /** {@code {rooms, except, flags}}; {@code withTimeout} for broadcasts with acks, which carry it. */
    static ObjectNode broadcast(BroadcastOptions opts, boolean withTimeout) {
        ObjectNode node = target(opts);
        ObjectNode flags = node.putObject("flags");
        BroadcastFlags f = opts.flags();
        // Node only writes the flags that were set; compress defaults to on, so only "off" is worth saying
        if (f.isVolatile()) {
            flags.put("volatile", true);
        }
        if (!f.compress()) {
            flags.put("compress", false);
        }
        if (withTimeout && f.timeout() > 0) {
            flags.put("timeout", f.timeout());
        }
        return node;
    }

    /** Reads {@code {rooms, except, flags?}}; unknown flags are ignored, local never comes over the wire. */
    static BroadcastOptions read(JsonNode opts) {
        if (opts == null || !opts.isObject()) {
            throw new MalformedMessageException("opts is not an object");
        }
        BroadcastFlags flags = BroadcastFlags.DEFAULT;
        JsonNode wireFlags = opts.get("flags");
        if (wireFlags != null && wireFlags.isObject()) {
            if (wireFlags.path("volatile").asBoolean(false)) {
                flags = flags.withVolatile();
            }
            JsonNode compress = wireFlags.get("compress");
            if (compress != null && compress.isBoolean()) {
                flags = flags.withCompress(compress.booleanValue());
            }
            JsonNode timeout = wireFlags.get("timeout");
            if (timeout != null && timeout.isNumber() && timeout.asLong() > 0) {
                flags = flags.withTimeout(timeout.asLong());
            }
        }
        return new BroadcastOptions(Wire.rooms(opts, "rooms"), Wire.rooms(opts, "except"), flags);
    }
}
