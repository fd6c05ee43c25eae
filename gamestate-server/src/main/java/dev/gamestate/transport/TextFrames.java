package dev.gamestate.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Server-to-client text frames (and pongs) framed once, as bytes ready for the socket. A server frame is never
 * masked, and a compressed message refers to nothing before it ({@link MessageDeflater}), so one event's
 * frame is the same bytes for every recipient (one plain, one deflated for the clients that negotiated
 * permessage-deflate): the outbound lane frames it once and writes retained duplicates of that one buffer,
 * past the WebSocket encoder (which lets plain buffers through untouched).
 */
final class TextFrames {

    private static final int FIN_TEXT = 0x81;
    /** FIN, RSV1 (permessage-deflate: the message is compressed) and text. */
    private static final int FIN_DEFLATED_TEXT = 0xC1;
    private static final int FIN_PONG = 0x8A;

    private TextFrames() {
    }

    /** The whole frame (header and payload) carrying {@code utf8} as one text message. */
    static ByteBuf frame(ByteBufAllocator allocator, byte[] utf8) {
        return frame(allocator, FIN_TEXT, utf8);
    }

    /** The whole frame carrying {@code deflated[0, length)}, a message compressed by {@link MessageDeflater}. */
    static ByteBuf deflatedFrame(ByteBufAllocator allocator, byte[] deflated, int length) {
        return frame(allocator, FIN_DEFLATED_TEXT, deflated, length);
    }

    /** A pong frame carrying {@code payload} (at most 125 bytes, as the ping it answers). */
    static ByteBuf pong(ByteBufAllocator allocator, byte[] payload) {
        return frame(allocator, FIN_PONG, payload);
    }

    private static ByteBuf frame(ByteBufAllocator allocator, int firstByte, byte[] utf8) {
        return frame(allocator, firstByte, utf8, utf8.length);
    }

    private static ByteBuf frame(ByteBufAllocator allocator, int firstByte, byte[] utf8, int length) {
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuf frame = allocator.directBuffer(header + length);
        frame.writeByte(firstByte);
        if (length < 126) {
            frame.writeByte(length);
        } else if (length <= 0xFFFF) {
            frame.writeByte(126);
            frame.writeShort(length);
        } else {
            frame.writeByte(127);
            frame.writeLong(length);
        }
        frame.writeBytes(utf8, 0, length);
        return frame;
    }
}
