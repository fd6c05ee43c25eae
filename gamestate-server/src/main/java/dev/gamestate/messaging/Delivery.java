package dev.gamestate.messaging;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a direct message reached its recipient: the {@code delivered} of its ack. */
public enum Delivery {

    /** The recipient had a live session when it was sent (delivery is at most once). */
    LIVE("live"),
    /** The recipient had none: it waits in the inbox for the next connection. */
    QUEUED("queued");

    private final String wire;

    Delivery(String wire) {
        this.wire = wire;
    }

    /** The name on the wire. */
    @JsonValue
    public String wire() {
        return wire;
    }
}
