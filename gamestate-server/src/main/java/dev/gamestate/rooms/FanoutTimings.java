package dev.gamestate.rooms;

/**
 * Where room fan-out reports each committed room event it delivered on this node, for the metrics.
 * Called on the watch stream's thread once per event (not per recipient): it must be cheap.
 */
public interface FanoutTimings {

    /** Reports nothing. */
    FanoutTimings NONE = (lagMillis, recipients) -> { };

    /**
     * A room event was handed to this node's event loops for {@code recipients} subscribers (0 when
     * every subscriber here was conflating or held). {@code lagMillis}: this node's clock at the
     * hand-over minus the event's {@code timestamp} (when the node that took the broadcast accepted
     * it, before its commit), at least 0; -1 when the event carries no readable timestamp.
     */
    void roomEvent(long lagMillis, int recipients);
}
