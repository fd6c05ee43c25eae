package dev.gamestate.bench;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Cheap reads of known fields from one JSON text frame, without building a tree: {@link #load} copies
 * the frame's bytes into a reused array (one copy is cheaper than bounds-checked reads of a direct
 * buffer, byte by byte), then {@link #after} finds a {@code "name":} pattern and {@link #longAt} or
 * {@link #stringAt} read the value after it. Only fit for frames whose shape is known (the bench's
 * own requests, gamestate's replies and events: no whitespace, no escapes in ids, codes and room
 * names); this is not a JSON parser. One scanner per thread; not thread-safe.
 */
final class FrameScanner {

    private byte[] text = new byte[512];
    private int length;

    /** The pattern {@code "name":} as ASCII bytes; make it once per key, not per frame. */
    static byte[] key(String name) {
        return ascii("\"" + name + "\":");
    }

    /** {@code value} as ASCII bytes. */
    static byte[] ascii(String value) {
        return value.getBytes(StandardCharsets.US_ASCII);
    }

    /** Copies {@code frame}'s readable bytes in; indexes below count from its reader index. */
    FrameScanner load(ByteBuf frame) {
        length = frame.readableBytes();
        if (text.length < length) {
            text = new byte[Math.max(length, text.length * 2)];
        }
        frame.getBytes(frame.readerIndex(), text, 0, length);
        return this;
    }

    /** The index just after the first {@code pattern} at or after {@code from}, or -1 when absent. */
    int after(byte[] pattern, int from) {
        if (from < 0) {
            return -1;
        }
        int last = length - pattern.length;
        byte first = pattern[0];
        for (int i = from; i <= last; i++) {
            if (text[i] == first && matches(i, pattern)) {
                return i + pattern.length;
            }
        }
        return -1;
    }

    /** True when the bytes at {@code at} are {@code pattern}. */
    boolean matches(int at, byte[] pattern) {
        if (at < 0 || at + pattern.length > length) {
            return false;
        }
        for (int j = 0; j < pattern.length; j++) {
            if (text[at + j] != pattern[j]) {
                return false;
            }
        }
        return true;
    }

    /** The integer starting at {@code at} (an optional minus, then digits), or {@link Long#MIN_VALUE}. */
    long longAt(int at) {
        if (at < 0 || at >= length) {
            return Long.MIN_VALUE;
        }
        int i = at;
        boolean negative = text[i] == '-';
        if (negative) {
            i++;
        }
        long value = 0;
        int start = i;
        for (; i < length && text[i] >= '0' && text[i] <= '9'; i++) {
            value = value * 10 + (text[i] - '0');
        }
        if (i == start) {
            return Long.MIN_VALUE;
        }
        return negative ? -value : value;
    }

    /** The string value whose opening quote is at {@code at}, or "" when there is none. */
    String stringAt(int at) {
        int end = stringEnd(at);
        return end < 0 ? "" : new String(text, at + 1, end - at - 1, StandardCharsets.US_ASCII);
    }

    /** The index of the closing quote of the string opening at {@code at}, or -1. */
    int stringEnd(int at) {
        if (at < 0 || at >= length || text[at] != '"') {
            return -1;
        }
        for (int i = at + 1; i < length; i++) {
            if (text[i] == '\\') {
                i++;
            } else if (text[i] == '"') {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index just after the JSON value starting at {@code at} (object, array, string, number or
     * literal), or -1 when the text ends first. Brackets inside strings are skipped.
     */
    int valueEnd(int at) {
        if (at < 0 || at >= length) {
            return -1;
        }
        byte first = text[at];
        if (first == '"') {
            int close = stringEnd(at);
            return close < 0 ? -1 : close + 1;
        }
        if (first != '{' && first != '[') {
            int i = at;
            while (i < length && text[i] != ',' && text[i] != '}' && text[i] != ']') {
                i++;
            }
            return i;
        }
        int depth = 0;
        for (int i = at; i < length; i++) {
            byte b = text[i];
            if (b == '"') {
                i = stringEnd(i);
                if (i < 0) {
                    return -1;
                }
            } else if (b == '{' || b == '[') {
                depth++;
            } else if ((b == '}' || b == ']') && --depth == 0) {
                return i + 1;
            }
        }
        return -1;
    }
}
