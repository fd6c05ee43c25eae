package dev.gamestate.event;

import dev.gamestate.core.Namespace;
import java.util.List;

/** The node's live connections, looked up by user. Implemented by the transport's session registry. */
public interface Outbox {

    /** The open connections of {@code userId} in {@code namespace} on this node. */
    List<Connection> connectionsOf(Namespace namespace, String userId);

    /**
     * Queues one frame for many connections, as {@link Connection#push} to each in list order would;
     * the transport may hand it over once per event loop instead of once per connection.
     */
    default void pushAll(Push push, List<Connection> recipients) {
        for (Connection connection : recipients) {
            connection.push(push);
        }
    }

    /** How many connections this node holds. */
    int size();
}
