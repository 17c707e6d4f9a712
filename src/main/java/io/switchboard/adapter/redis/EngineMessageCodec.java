package io.switchboard.adapter.redis;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.switchboard.engine.ClusterMessage;

/**
 * The bytes of a cluster engine message on Redis (see the README, "Cluster engine messages"): a version byte, the
 * type's number, then sender tag, id, session id, code, text and frames. Strings are length-prefixed UTF-8 (length
 * -1 for none); only Switchboard nodes read them, so nothing here needs to match another implementation.
 */
final class EngineMessageCodec {
    static final int VERSION = 1;
    private static final ClusterMessage.Type[] TYPES = ClusterMessage.Type.values();
    /** A bound on what a malformed message could make a node allocate. */
    static final int MAX_FRAMES = 100_000;

    private EngineMessageCodec() {
    }

    static byte[] encode(ClusterMessage message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (message.text() == null ? 0
                : message.text().length()));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(message.type().ordinal());
            writeString(out, message.from());
            out.writeLong(message.id());
            writeString(out, message.sid());
            out.writeInt(message.code());
            writeString(out, message.text());
            out.writeInt(message.frames().size());
            for (ClusterMessage.Frame frame : message.frames()) {
                out.writeBoolean(frame.binary());
                out.writeInt(frame.bytes().length);
                out.write(frame.bytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** Decodes; throws {@link MalformedMessageException} for anything else. */
    static ClusterMessage decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            int version = in.get();
            if (version != VERSION) {
                throw new MalformedMessageException("cluster engine message version " + version);
            }
            int type = in.get();
            if (type < 0 || type >= TYPES.length) {
                throw new MalformedMessageException("cluster engine message type " + type);
            }
            String from = readString(in);
            long id = in.getLong();
            String sid = readString(in);
            int code = in.getInt();
            String text = readString(in);
            int count = in.getInt();
            if (count < 0 || count > MAX_FRAMES || count > in.remaining()) {
                throw new MalformedMessageException("cluster engine message with " + count + " frames");
            }
            List<ClusterMessage.Frame> frames = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                boolean binary = in.get() != 0;
                frames.add(new ClusterMessage.Frame(binary, readBytes(in)));
            }
            if (from == null || sid == null || in.hasRemaining()) {
                throw new MalformedMessageException("cluster engine message without sender or session");
            }
            return new ClusterMessage(TYPES[type], from, id, sid, code, text, frames);
        } catch (BufferUnderflowException e) {
            throw new MalformedMessageException("truncated cluster engine message");
        }
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(ByteBuffer in) {
        int length = in.getInt();
        if (length == -1) {
            return null;
        }
        return new String(readBytes(in, length), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(ByteBuffer in) {
        return readBytes(in, in.getInt());
    }

    private static byte[] readBytes(ByteBuffer in, int length) {
        if (length < 0 || length > in.remaining()) {
            throw new MalformedMessageException("cluster engine message field of " + length + " bytes");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }
}
