package dev.gamestate.event;

import java.util.Objects;

/**
 * A kind of pushed event: its wire name and the payload it carries, bound once, so that an event of
 * this type can only be built with that payload ({@link OutboundEvent}).
 *
 * @param name         the wire {@code type}
 * @param payloadClass the payload's class
 * @param <P>          the payload type
 */
public record PushType<P extends PushPayload>(String name, Class<P> payloadClass) {

    /** Rejects nulls and an empty name. */
    public PushType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(payloadClass, "payloadClass");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a push type needs a name");
        }
    }

    /** The push type {@code name}, carrying {@code payloadClass}. */
    public static <P extends PushPayload> PushType<P> of(String name, Class<P> payloadClass) {
        return new PushType<>(name, payloadClass);
    }
}
