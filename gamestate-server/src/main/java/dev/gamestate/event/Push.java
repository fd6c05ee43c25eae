package dev.gamestate.event;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A server-to-client frame, encoded once. The same instance goes to every recipient on a node; the
 * transport wraps its bytes without copying them.
 */
public final class Push {

    private final byte[] utf8;

    private Push(byte[] utf8) {
        this.utf8 = Objects.requireNonNull(utf8, "utf8");
    }

    /** A push whose frame text is the UTF-8 JSON in {@code utf8}; the array must not change later. */
    public static Push ofUtf8(byte[] utf8) {
        return new Push(utf8);
    }

    /** The frame text as UTF-8 bytes; shared, never to be modified. */
    public byte[] utf8() {
        return utf8;
    }

    /** The frame's size in bytes. */
    public int size() {
        return utf8.length;
    }

    @Override
    public String toString() {
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
