package dev.gamestate.event;

/** Encodes pushed events into wire bytes; the wire codec implements it, the wiring passes it in. */
@FunctionalInterface
public interface EventEncoder {

    /** The UTF-8 JSON frame text of {@code event}. */
    byte[] encode(OutboundEvent event);
}
