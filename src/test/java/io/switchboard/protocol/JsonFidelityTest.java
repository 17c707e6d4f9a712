package io.switchboard.protocol;

import static io.switchboard.protocol.Json.array;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The JSON part must be exactly what JSON.stringify emits. Expected values were checked against Node.js 20
 * (JSON.stringify(JSON.parse(input))), except for integers beyond 2^53, which are kept exact on purpose.
 */
class JsonFidelityTest {

    private final PacketEncoder encoder = new PacketEncoder();
    private final JsonNodeFactory nodes = JsonNodeFactory.instance;

    private String json(ArrayNode args) {
        String text = encoder.encode(Packet.event("/", args, null)).text();
        return text.substring(1); // drop the type digit
    }

    /** Decoding then encoding a packet normalizes its JSON as JSON.parse + JSON.stringify would. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "[\"a\",{\"n\":null,\"o\":{},\"l\":[],\"x\":[{},[[]],{\"y\":{}}]}] | [\"a\",{\"n\":null,\"o\":{},\"l\":[],\"x\":[{},[[]],{\"y\":{}}]}]",
        "[ \"a\" , { \"b\" : 1 } ]                       | [\"a\",{\"b\":1}]",
        "[\"a\",9007199254740991,-9007199254740991]       | [\"a\",9007199254740991,-9007199254740991]",
        "[\"a\",2147483648,-2147483649,4294967296]        | [\"a\",2147483648,-2147483649,4294967296]",
        "[\"a\",9007199254740993,9223372036854775807]     | [\"a\",9007199254740993,9223372036854775807]",
        "[\"a\",-9223372036854775808,123456789012345678901234567890] | [\"a\",-9223372036854775808,123456789012345678901234567890]",
        "[\"a\",1.5,-0.25,0.1,1.0,-0.0,-0,1E2,1e21,1e-7,1.5e-7,0.000001,123e-20] | [\"a\",1.5,-0.25,0.1,1,0,0,100,1e+21,1e-7,1.5e-7,0.000001,1.23e-18]",
        "[\"a\",1e400,-1e400,5e-324,1.7976931348623157e308,0.30000000000000004] | [\"a\",null,null,5e-324,1.7976931348623157e+308,0.30000000000000004]",
        "[\"a\",100000000000000000000.0,1e23,8.41e21,4.35]  | [\"a\",100000000000000000000,1e+23,8.41e+21,4.35]",
        "[\"é中😀\u2028\u2029\"]                           | [\"é中😀\u2028\u2029\"]",
        "[\"\\u00e9\\ud83d\\ude00\\u2028\\/\\u0041\"]      | [\"é😀\u2028/A\"]",
        "[\"\\u0000\\u001f\\b\\f\\n\\r\\t\\\"\\\\\\u007f\"] | [\"\\u0000\\u001f\\b\\f\\n\\r\\t\\\"\\\\\u007f\"]",
        "[\"\\ud800\",\"\\udc00x\",\"\\ude00\\ud83d\"]     | [\"\\ud800\",\"\\udc00x\",\"\\ude00\\ud83d\"]",
        "[\"a\",true,false,null]                         | [\"a\",true,false,null]",
        "[\"a\",{\"k\":1,\"k\":2}]                        | [\"a\",{\"k\":2}]",
    })
    void decodeThenEncode(String input, String expected) throws Exception {
        Packet packet = new PacketDecoder().add("2" + input);
        assertEquals("2" + expected, encoder.encode(packet).text());
    }

    @Test
    void javaNumbers() {
        ArrayNode args = nodes.arrayNode().add("n")
                .add(Integer.MIN_VALUE).add((1L << 53) - 1).add(Long.MAX_VALUE).add(Long.MIN_VALUE)
                .add(new BigInteger("123456789012345678901234567890")).add((short) -7)
                .add(1.5).add(-0.25).add(3.0).add(-0.0).add(Double.NaN).add(Double.POSITIVE_INFINITY)
                .add(0.1f).add(1.1f).add(Float.NaN)
                .add(new BigDecimal("1.50")).add(new BigDecimal("1E+30")).add(new BigDecimal("-0.0000001"))
                .add(new BigDecimal("0.00"));
        assertEquals("[\"n\",-2147483648,9007199254740991,9223372036854775807,-9223372036854775808,"
                + "123456789012345678901234567890,-7,1.5,-0.25,3,0,null,null,0.1,1.1,null,1.5,1e+30,-1e-7,0]", json(args));
    }

    @Test
    void javaStrings() {
        ArrayNode args = nodes.arrayNode().add("s").add("emoji 😀, U+2028 \u2028, U+2029 \u2029, DEL \u007f")
                .add("ctl \u0001\u001f\u0000 \b\f\n\r\t \" \\ /").add("lone \ud83d and \ude00");
        assertEquals("[\"s\",\"emoji 😀, U+2028 \u2028, U+2029 \u2029, DEL \u007f\","
                + "\"ctl \\u0001\\u001f\\u0000 \\b\\f\\n\\r\\t \\\" \\\\ /\",\"lone \\ud83d and \\ude00\"]", json(args));
    }

    @Test
    void emptyContainersAndNullMembers() {
        ArrayNode args = nodes.arrayNode().add("c");
        ObjectNode object = args.addObject();
        object.putNull("n");
        object.putObject("o");
        object.putArray("a");
        object.putObject("nested").putArray("deeper").addObject();
        args.addArray().addArray();
        args.addNull();
        assertEquals("[\"c\",{\"n\":null,\"o\":{},\"a\":[],\"nested\":{\"deeper\":[{}]}},[[]],null]", json(args));
    }

    @Test
    void missingNodeActsLikeUndefined() {
        ArrayNode args = nodes.arrayNode().add("u").add(MissingNode.getInstance());
        ObjectNode object = args.addObject();
        object.set("gone", MissingNode.getInstance());
        object.put("kept", 1);
        object.set("gone2", MissingNode.getInstance());
        assertEquals("[\"u\",null,{\"kept\":1}]", json(args));
    }

    @Test
    void memberOrderIsInsertionOrder() {
        assertEquals("[\"o\",{\"z\":1,\"a\":2,\"m\":3}]", json(array("[\"o\",{\"z\":1,\"a\":2,\"m\":3}]")));
    }
}
