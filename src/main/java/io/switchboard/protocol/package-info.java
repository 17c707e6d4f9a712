/**
 * The Socket.IO protocol (revision 5) packet model and codec, byte-for-byte compatible with the reference
 * {@code socket.io-parser} 4.x.
 *
 * <ul>
 *   <li>{@link io.switchboard.protocol.Packet} is the logical packet; binary payloads live inside its JSON
 *       tree as Jackson {@code BinaryNode}s.</li>
 *   <li>{@link io.switchboard.protocol.PacketEncoder} turns a packet into one text frame plus zero or more
 *       binary attachments (thread-safe, share one).</li>
 *   <li>{@link io.switchboard.protocol.PacketDecoder} is the per-connection, stateful inverse; it relies on a
 *       shared, thread-safe {@link io.switchboard.protocol.PacketReader} for the text frames.</li>
 *   <li>{@link io.switchboard.protocol.MsgpackEncoder} and {@link io.switchboard.protocol.MsgpackDecoder} are the
 *       {@code socket.io-msgpack-parser} 3.x equivalent (one MessagePack map per binary message), picked
 *       server-wide by {@link io.switchboard.protocol.Parser}; both decoders are
 *       {@link io.switchboard.protocol.FrameDecoder}s bound by the same {@link io.switchboard.protocol.DecoderLimits}.</li>
 * </ul>
 *
 * No Netty here on purpose: this package only knows strings and byte arrays, so it can be tested and reused
 * without a network stack.
 */
package io.switchboard.protocol;
