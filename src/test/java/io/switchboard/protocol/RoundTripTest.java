package io.switchboard.protocol;

import static io.switchboard.protocol.Json.array;
import static io.switchboard.protocol.Json.bin;
import static io.switchboard.protocol.Json.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** encode then decode gives back the same packet, for every type, with and without namespace and ack id. */
class RoundTripTest {

    private static final PacketEncoder ENCODER = new PacketEncoder();
    private static final PacketReader READER = new PacketReader();

    static Stream<Packet> packets() {
        List<Packet> packets = new ArrayList<>();
        for (String namespace : new String[] {"/", "/admin", "/a-b_c.d/e"}) {
            packets.add(Packet.connect(namespace, null));
            packets.add(Packet.connect(namespace, object("{\"token\":\"123\",\"n\":null}")));
            packets.add(Packet.connectReply(namespace, "oSO0OpakMV_3jnilAAAA"));
            packets.add(Packet.disconnect(namespace));
            packets.add(Packet.connectError(namespace, "Not authorized"));
            packets.add(Packet.connectError(namespace, "Not authorized", object("{\"code\":4}")));
            packets.add(new Packet(PacketType.CONNECT_ERROR, namespace, JsonNodeFactory.instance.textNode("x"), null, 0));
            for (Long ackId : new Long[] {null, 0L, 1L, 42L, 4_294_967_296L, Packet.MAX_ACK_ID}) {
                packets.add(Packet.event(namespace, array("[\"ev\",1,\"two\",{\"3\":[true,null]},[]]"), ackId));
                packets.add(Packet.event(namespace, array("[7]"), ackId)); // numeric event name
                packets.add(Packet.event(namespace, array("[\"ev\"]").add(bin(1, 2, 3)), ackId));
                ArrayNode deep = array("[\"ev\",{\"a\":{\"b\":[1]}}]");
                ((ArrayNode) deep.get(1).get("a").get("b")).add(bin("x")).addObject().set("c", bin(new int[0]));
                deep.add(bin(255));
                packets.add(Packet.event(namespace, deep, ackId));
                if (ackId != null) {
                    packets.add(Packet.ack(namespace, array("[]"), ackId));
                    packets.add(Packet.ack(namespace, array("[null,\"ok\",{}]"), ackId));
                    ObjectNode withBinary = object("{\"k\":1}");
                    withBinary.set("file", bin("content"));
                    packets.add(Packet.ack(namespace, JsonNodeFactory.instance.arrayNode().add(withBinary), ackId));
                }
            }
        }
        return packets.stream();
    }

    @ParameterizedTest
    @MethodSource("packets")
    void roundTrip(Packet packet) throws Exception {
        EncodedPacket encoded = ENCODER.encode(packet);
        assertEquals(packet.attachments(), encoded.attachments().size());
        PacketDecoder decoder = READER.newDecoder();
        Packet decoded = decoder.add(encoded.text());
        for (byte[] attachment : encoded.attachments()) {
            assertNull(decoded, "complete before its last attachment");
            decoded = decoder.add(attachment);
        }
        assertNotNull(decoded);
        assertEquals(packet, decoded);
        // and the decoded packet encodes to the same frames
        EncodedPacket again = ENCODER.encode(decoded);
        assertEquals(encoded.text(), again.text());
        assertEquals(encoded.attachments(), again.attachments()); // the very same arrays travel through
    }
}
