package dev.gamestate.event;

import java.util.Objects;

/**
 * A request type on the wire, bound to the payload record it carries.
 *
 * @param name         the wire name, e.g. {@code core.game.state.broadcast}
 * @param payloadClass the record the payload decodes into
 * @param <P>          the payload type
 */
public record EventType<P extends EventPayload>(String name, Class<P> payloadClass) {

    /** Rejects nulls. */
    public EventType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(payloadClass, "payloadClass");
    }

    /** A type named {@code name} whose payload is a {@code payloadClass}. */
    public static <P extends EventPayload> EventType<P> of(String name, Class<P> payloadClass) {
        return new EventType<>(name, payloadClass);
    }

    /**
     * Views {@code event} as an event of this type. The registry's only unchecked cast lives here,
     * guarded by the payload's class.
     */
    @SuppressWarnings("unchecked")
    Event<P> cast(Event<?> event) {
        if (!event.type().equals(this) || !payloadClass.isInstance(event.payload())) {
            throw new IllegalArgumentException(event.type().name() + " is not " + name);
        }
        return (Event<P>) event;
    }
}
