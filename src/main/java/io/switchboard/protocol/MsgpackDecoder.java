package io.switchboard.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Objects;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * Decodes {@code socket.io-msgpack-parser} 3.x packets: each binary message is one MessagePack map
 * {@code {type, data, nsp, id}} (other members, such as the client's {@code options}, are ignored). Text messages
 * are refused, as is anything the parser's {@code checkPacket} refuses (a type outside 0 to 4, a namespace that is
 * not a string, an id that is not an integer), and, as with the default parser, payloads that break
 * {@link PayloadRules} or the {@link DecoderLimits}: binary values count as attachments.
 *
 * <p>An EVENT or ACK holding binary values comes back as BINARY_EVENT or BINARY_ACK with their count, as the
 * default decoder returns them. Stateless: one instance serves every connection of a server.
 */
public final class MsgpackDecoder implements FrameDecoder {

    private final DecoderLimits limits;

    public MsgpackDecoder() {
        this(DecoderLimits.DEFAULTS);
    }

    public MsgpackDecoder(DecoderLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** The msgpack parser sends everything as binary: a text message is a protocol violation. */
    @Override
    public Packet add(String text) throws PacketDecodingException {
        throw new PacketDecodingException("got a text message, the msgpack parser sends binary ones only");
    }

    @Override
    public Packet add(byte[] data) throws PacketDecodingException {
        Objects.requireNonNull(data, "data");
        if (data.length == 0) {
            throw new PacketDecodingException("empty packet");
        }
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(data)) {
            MsgpackValues values = new MsgpackValues(in, data.length, limits);
            Packet packet = read(values);
            if (in.hasNext()) {
                throw new PacketDecodingException("trailing bytes after the packet");
            }
            return packet;
        } catch (PacketDecodingException e) {
            throw e;
        } catch (IOException | RuntimeException e) { // truncated input, bad formats, overflowing numbers
            throw new PacketDecodingException("invalid msgpack: " + e.getMessage(), e);
        }
    }

    /** Nothing is ever pending: each message is a whole packet. */
    @Override
    public void destroy() {
    }

    private Packet read(MsgpackValues values) throws IOException, PacketDecodingException {
        if (!values.nextIsMap()) {
            throw new PacketDecodingException("a packet must be a msgpack map");
        }
        JsonNode type = null;
        JsonNode nsp = null;
        JsonNode data = null;
        JsonNode id = null;
        int members = values.mapHeader();
        for (int i = 0; i < members; i++) {
            String key = values.key();
            // the payload is depth 0 like the default parser's JSON; other members are bounded the same way
            JsonNode value = values.value(0);
            if (value.isMissingNode()) { // undefined: as if the member were absent (notepack writes it)
                value = null;
            }
            switch (key) {
                case "type" -> type = value;
                case "nsp" -> nsp = value;
                case "data" -> data = value;
                case "id" -> id = value;
                default -> { } // e.g. the client's {"options":{"compress":true}}
            }
        }
        PacketType packetType = type(type);
        String namespace = namespace(nsp);
        Long ackId = ackId(id);
        String violation = PayloadRules.violation(packetType, data);
        if (violation != null) {
            throw new PacketDecodingException("invalid payload: " + violation);
        }
        if (packetType == PacketType.EVENT && data.get(0).isTextual()
                && data.get(0).textValue().length() > limits.maxEventNameLength()) {
            throw new PacketDecodingException("event name longer than " + limits.maxEventNameLength());
        }
        // counted in the payload kept: binary values of ignored members or of a repeated "data" member are gone
        // (values.binaries() bounds them all against maxAttachments while reading)
        int binaries = Placeholders.countBinaries(data);
        if (binaries > 0 && (packetType == PacketType.EVENT || packetType == PacketType.ACK)) {
            packetType = packetType.binaryVariant();
        } else {
            binaries = 0; // binary values elsewhere (a CONNECT's auth) are kept but are no attachments
        }
        return new Packet(packetType, namespace, data, ackId, binaries);
    }

    private static PacketType type(JsonNode type) throws PacketDecodingException {
        if (type == null || !isInteger(type) || !type.canConvertToInt()
                || type.asInt() < 0 || type.asInt() > PacketType.CONNECT_ERROR.code()) {
            throw new PacketDecodingException("invalid packet type");
        }
        return PacketType.fromCode(type.asInt());
    }

    private String namespace(JsonNode nsp) throws PacketDecodingException {
        if (nsp == null || !nsp.isTextual()) {
            throw new PacketDecodingException("invalid namespace");
        }
        String name = nsp.textValue();
        if (name.length() > limits.maxNamespaceLength()) {
            throw new PacketDecodingException("namespace longer than " + limits.maxNamespaceLength());
        }
        // the default parser cannot even express these: a namespace is "/" and a name without a comma
        if (!name.startsWith("/") || name.indexOf(',') >= 0) {
            throw new PacketDecodingException("invalid namespace");
        }
        return name;
    }

    private Long ackId(JsonNode id) throws PacketDecodingException {
        if (id == null) {
            return null;
        }
        if (!isInteger(id) || !id.canConvertToLong() || id.asLong() < 0 || id.asLong() > limits.maxAckId()) {
            throw new PacketDecodingException("invalid packet id");
        }
        return id.asLong();
    }

    /** JavaScript's Number.isInteger: an integral number, whatever its msgpack format. */
    private static boolean isInteger(JsonNode node) {
        return node.isIntegralNumber()
                || node.isFloatingPointNumber() && Double.isFinite(node.doubleValue())
                && node.doubleValue() == Math.rint(node.doubleValue());
    }
}
