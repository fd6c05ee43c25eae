package dev.gamestate.transport;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The request id of a frame that is refused before it is read, found without parsing it: a refusal
 * must cost less than the request it refuses. Only the shape every client library writes is read,
 * {@code {"id":"<id>",...}} with the id as the first member, a plain ASCII string of 1 to 64
 * characters with no escapes (whitespace around the tokens allowed); any other frame gets a null id.
 * At most {@link #MAX_SCAN} bytes are looked at, whatever the frame's size.
 */
final class LeadingId {

    /** The longest prefix looked at: {@code {"id":"} and a 64-character id, with room for whitespace. */
    static final int MAX_SCAN = 96;
    private static final int MAX_ID = 64;

    private LeadingId() {
    }

    /** The id {@code frame} starts with, or empty; reads {@code frame} without moving its indexes. */
    static Optional<String> of(ByteBuf frame) {
        int end = frame.readerIndex() + Math.min(frame.readableBytes(), MAX_SCAN);
        int i = skipSpace(frame, frame.readerIndex(), end);
        i = expect(frame, i, end, '{');
        i = expect(frame, skipSpace(frame, i, end), end, '"');
        i = expect(frame, i, end, 'i');
        i = expect(frame, i, end, 'd');
        i = expect(frame, i, end, '"');
        i = expect(frame, skipSpace(frame, i, end), end, ':');
        i = expect(frame, skipSpace(frame, i, end), end, '"');
        if (i < 0) {
            return Optional.empty();
        }
        int start = i;
        while (i < end && i - start <= MAX_ID) {
            byte b = frame.getByte(i);
            if (b == '"') {
                return i == start ? Optional.empty()
                        : Optional.of(frame.toString(start, i - start, StandardCharsets.US_ASCII));
            }
            if (b < 0x20 || b > 0x7E || b == '\\') {
                return Optional.empty(); // control, escape or non-ASCII: not worth reading here
            }
            i++;
        }
        return Optional.empty(); // longer than an id may be, or cut off
    }

    private static int skipSpace(ByteBuf frame, int i, int end) {
        while (i >= 0 && i < end) {
            byte b = frame.getByte(i);
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                break;
            }
            i++;
        }
        return i;
    }

    /** The index after {@code c} when it is at {@code i}, else -1 (and -1 stays -1). */
    private static int expect(ByteBuf frame, int i, int end, char c) {
        return i >= 0 && i < end && frame.getByte(i) == c ? i + 1 : -1;
    }
}
