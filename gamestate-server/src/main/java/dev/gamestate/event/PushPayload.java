package dev.gamestate.event;

/**
 * The body of a pushed event (its {@code payload} on the wire), as {@link EventPayload} is of a
 * request. Each kind of pushed event has one, named by its {@link PushType}.
 */
public interface PushPayload {
}
