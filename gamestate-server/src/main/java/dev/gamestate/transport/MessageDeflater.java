package dev.gamestate.transport;

import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Compresses one message at a time as permessage-deflate sends it (RFC 7692 §7.2.1): raw deflate,
 * flushed with a sync flush whose trailing {@code 00 00 FF FF} is left off. Every message starts from
 * an empty window and refers to nothing before it, so one compressed event suits every client that
 * negotiated the extension, with or without context takeover (a decoder that keeps its window just
 * never needs it). One per outbound lane: confined to its event loop.
 */
final class MessageDeflater {

    /** Messages shorter than this go uncompressed: the framing would eat most of the gain. */
    static final int MIN_BYTES = 128;
    private static final int LEVEL = 6;

    private final Deflater deflater = new Deflater(LEVEL, true);
    private byte[] out = new byte[8192];

    /**
     * Compresses {@code utf8}; the compressed bytes are {@link #output()}{@code [0, length)}. Returns
     * -1 when compression would not make the message smaller.
     */
    int deflate(byte[] utf8) {
        deflater.reset();
        deflater.setInput(utf8);
        int length = 0;
        while (true) {
            length += deflater.deflate(out, length, out.length - length, Deflater.SYNC_FLUSH);
            if (length < out.length) {
                break; // the flush completed with room to spare
            }
            out = Arrays.copyOf(out, out.length * 2);
        }
        length -= 4; // the sync flush's empty stored block, 00 00 FF FF, which the receiver appends
        return length < utf8.length ? length : -1;
    }

    /** The buffer {@link #deflate} wrote into (valid until the next call). */
    byte[] output() {
        return out;
    }

    /** Frees the native compressor. */
    void end() {
        deflater.end();
    }
}
