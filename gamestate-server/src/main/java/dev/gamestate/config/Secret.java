package dev.gamestate.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A configured secret. It never prints its value, so it can't leak into logs. */
public record Secret(String value) {

    /** Rejects null; a config file writes a secret as plain text. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
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
