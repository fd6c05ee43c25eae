package dev.gamestate.config;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A configured secret. It never prints its value, so it can't leak into logs. */
public record Secret(String value) {

    /** Rejects null. */
    public Secret {
        Objects.requireNonNull(value, "value");
    }

    /** The secret as UTF-8 bytes. */
    public byte[] bytes() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Secret[***]";
    }
}
