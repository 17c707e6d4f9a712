package io.switchboard.bench.jmh;

import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.switchboard.engine.MalformedPacketException;
import io.switchboard.engine.OutboundPacket;
import io.switchboard.engine.PacketCodec;
import io.switchboard.protocol.Packet;
import io.switchboard.protocol.PacketEncoder;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
 * The Engine.IO packet and payload codec: {@link PacketCodec} decoding a websocket frame's text, a polling payload
 * of ten packets and a base64 binary packet; {@link OutboundPacket} building the websocket frame bytes and the
 * polling form (fresh instances, since both are cached after the first call); and the whole per-broadcast encode
 * (Socket.IO encode, then the frame bytes every recipient shares).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class EngineCodecBench {
    private String frameText;
    private String pollingPayload;
    private String binaryPacket;
    private String messageText;
    private byte[] binary;
    private Packet tick;
    private final PacketEncoder encoder = new PacketEncoder();

    @Setup
    public void setup() {
        messageText = "2[\"tick\",{\"s\":123456,\"t\":987654321012,\"p\":\"" + "x".repeat(64) + "\"}]";
        frameText = "4" + messageText;
        StringBuilder payload = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            if (i > 0) {
                payload.append(PacketCodec.RECORD_SEPARATOR);
            }
            payload.append(frameText);
        }
        pollingPayload = payload.toString();
        binary = new byte[1024];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31);
        }
        binaryPacket = "b" + Base64.getEncoder().encodeToString(binary);
        JsonNodeFactory f = JsonNodeFactory.instance;
        tick = Packet.event("/", f.arrayNode().add("tick").add(f.objectNode().put("s", 123456)
                .put("t", 987654321012L).put("p", "x".repeat(64))), null);
    }

    @Benchmark
    public io.switchboard.engine.Packet decodeFrame() throws MalformedPacketException {
        return PacketCodec.decode(frameText);
    }

    @Benchmark
    public List<io.switchboard.engine.Packet> decodePollingPayload10() throws MalformedPacketException {
        return PacketCodec.decodePayload(pollingPayload);
    }

    @Benchmark
    public io.switchboard.engine.Packet decodeBinaryBase64() throws MalformedPacketException {
        return PacketCodec.decode(binaryPacket);
    }

    @Benchmark
    public byte[] outboundFrameBytes() {
        return OutboundPacket.message(messageText).frameBytes();
    }

    @Benchmark
    public String outboundPollingForm() {
        return OutboundPacket.message(messageText).pollingForm();
    }

    @Benchmark
    public String outboundBinaryPollingForm() {
        return OutboundPacket.binary(binary).pollingForm();
    }

    /** What a broadcast costs once, whatever the number of recipients: encode, then the shared frame bytes. */
    @Benchmark
    public byte[] broadcastEncodeOnce() {
        return OutboundPacket.message(encoder.encode(tick).text()).frameBytes();
    }
}
