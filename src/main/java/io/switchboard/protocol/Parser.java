package io.switchboard.protocol;

import java.util.Locale;

/**
 * How Socket.IO packets are written into Engine.IO messages, chosen server-wide as the reference server's
 * {@code parser} option: every client must use the same one.
 */
public enum Parser {
    /** The reference {@code socket.io-parser}: a text frame per packet, binary values as attachment frames. */
    DEFAULT,
    /**
     * {@code socket.io-msgpack-parser} 3.x: each packet is one MessagePack map in one binary frame, binary values
     * inline. Needs {@code org.msgpack:msgpack-core} on the classpath (the packaged server has it).
     */
    MSGPACK;

    /** The configuration name: {@code default} or {@code msgpack}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The parser of that configuration name, any case. */
    public static Parser fromName(String name) {
        for (Parser parser : values()) {
            if (parser.configName().equalsIgnoreCase(name.trim())) {
                return parser;
            }
        }
        throw new IllegalArgumentException("unknown parser '" + name + "' (default or msgpack)");
    }
}
