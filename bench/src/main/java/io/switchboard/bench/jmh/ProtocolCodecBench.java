package io.switchboard.bench.jmh;

import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.EncodedPacket;
import io.switchboard.protocol.Packet;
import io.switchboard.protocol.PacketDecoder;
import io.switchboard.protocol.PacketDecodingException;
import io.switchboard.protocol.PacketEncoder;
import io.switchboard.protocol.PacketReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Socket.IO packet codec ({@link PacketEncoder}, {@link PacketDecoder}) on the packets the load scenarios
 * send: the small broadcast event, the echo request and its ack, a larger object event, and a binary event with
 * one 1 KiB attachment.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class ProtocolCodecBench {
    private final PacketEncoder encoder = new PacketEncoder();
    private final PacketReader reader = new PacketReader();
    private PacketDecoder decoder;

    private Packet smallEvent;
    private Packet largeEvent;
    private Packet binaryEvent;
    private Packet ack;
    private String smallEventText;
    private String largeEventText;
    private String echoRequestText;
    private String binaryEventText;
    private byte[] attachment;

    @Setup
    public void setup() throws Exception {
        decoder = new PacketDecoder(reader);
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode tick = f.objectNode().put("s", 123456).put("t", 987654321012L).put("p", "x".repeat(64));
        smallEvent = Packet.event("/", f.arrayNode().add("tick").add(tick), null);

        ObjectNode big = f.objectNode();
        for (int i = 0; i < 40; i++) {
            big.put("field" + i, i % 3 == 0 ? "value \"" + i + "\" with \u00e9scapes" : Integer.toString(i * 7919));
        }
        ArrayNode numbers = big.putArray("numbers");
        for (int i = 0; i < 100; i++) {
            numbers.add(i * 1.5);
        }
        largeEvent = Packet.event("/chat", f.arrayNode().add("update").add(big), 42L);

        attachment = new byte[1024];
        for (int i = 0; i < attachment.length; i++) {
            attachment[i] = (byte) i;
        }
        binaryEvent = Packet.event("/", f.arrayNode().add("file").add(f.objectNode().put("name", "a.bin")
                .set("data", f.binaryNode(attachment))), null);
        ack = Packet.ack("/", f.arrayNode().add(tick), 17L);

        smallEventText = encoder.encode(smallEvent).text();
        largeEventText = encoder.encode(largeEvent).text();
        binaryEventText = encoder.encode(binaryEvent).text();
        echoRequestText = "4217[\"echo\"," + new ObjectMapper().writeValueAsString(tick) + "]";
    }

    @Benchmark
    public EncodedPacket encodeSmallEvent() {
        return encoder.encode(smallEvent);
    }

    @Benchmark
    public EncodedPacket encodeAck() {
        return encoder.encode(ack);
    }

    @Benchmark
    public EncodedPacket encodeLargeEvent() {
        return encoder.encode(largeEvent);
    }

    @Benchmark
    public EncodedPacket encodeBinaryEvent() {
        return encoder.encode(binaryEvent);
    }

    @Benchmark
    public Packet decodeSmallEvent() throws PacketDecodingException {
        return decoder.add(smallEventText);
    }

    @Benchmark
    public Packet decodeEchoRequest() throws PacketDecodingException {
        return decoder.add(echoRequestText);
    }

    @Benchmark
    public Packet decodeLargeEvent() throws PacketDecodingException {
        return decoder.add(largeEventText);
    }

    @Benchmark
    public Packet decodeBinaryEvent() throws PacketDecodingException {
        decoder.add(binaryEventText);
        return decoder.add(attachment);
    }
}
