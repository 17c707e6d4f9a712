package io.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventArgsTest {

    private final EventArgs args = new EventArgs();

    @Test
    void binaryValuesBecomeBinaryNodes() throws Exception {
        assertTrue(args.toNode(new byte[] {1, 2}).isBinary());
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {1, 2, 3, 4});
        buffer.position(1);
        JsonNode node = args.toNode(buffer);
        assertTrue(node.isBinary());
        assertArrayEquals(new byte[] {2, 3, 4}, node.binaryValue());
        assertEquals(1, buffer.position());

        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("file", new byte[] {9});
        nested.put("parts", List.of(ByteBuffer.wrap(new byte[] {8})));
        JsonNode tree = args.toNode(nested);
        assertTrue(tree.get("file").isBinary());
        assertTrue(tree.get("parts").get(0).isBinary());
    }

    @Test
    void eventPayload() {
        ArrayNode payload = args.event("upload", 1, "x", null, new byte[] {5}, Map.of("k", true));
        Packet packet = Packet.event("/files", payload, 3L);
        assertEquals(PacketType.BINARY_EVENT, packet.type());
        EncodedPacket encoded = new PacketEncoder().encode(packet);
        assertEquals("51-/files,3[\"upload\",1,\"x\",null,{\"_placeholder\":true,\"num\":0},{\"k\":true}]", encoded.text());
        assertArrayEquals(new byte[] {5}, encoded.attachments().get(0));
        assertEquals("[1,\"a\",null]", args.array(1, "a", null).toString());
    }

    @Test
    void backToJava() throws Exception {
        Packet packet = new PacketDecoder().add("2[\"ev\",{\"a\":[1,2]},\"s\"]");
        @SuppressWarnings("unchecked")
        Map<String, Object> map = args.fromNode(packet.data().get(1), Map.class);
        assertEquals(List.of(1, 2), map.get("a"));
        assertArrayEquals(new byte[] {7}, args.fromNode(Json.bin(7), byte[].class));
        assertThrows(IllegalArgumentException.class, () -> args.fromNode(packet.data().get(2), Map.class));
    }
}
