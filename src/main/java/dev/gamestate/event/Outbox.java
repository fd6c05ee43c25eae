package dev.gamestate.event;

import dev.gamestate.core.Namespace;
import java.util.List;

/** The node's live connections, looked up by user. Implemented by the transport's session registry. */
public interface Outbox {

    /** The open connections of {@code userId} in {@code namespace} on this node. */
    List<Connection> connectionsOf(Namespace namespace, String userId);

    /** How many connections this node holds. */
    int size();
}
