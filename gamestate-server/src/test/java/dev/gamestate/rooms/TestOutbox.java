package dev.gamestate.rooms;

import dev.gamestate.core.Namespace;
import dev.gamestate.event.Connection;
import dev.gamestate.event.Outbox;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A node's open connections, as the transport's session registry would list them. */
public final class TestOutbox implements Outbox {

    private final List<Connection> connections = new CopyOnWriteArrayList<>();

    /** Lists {@code connection}. */
    public void add(Connection connection) {
        connections.add(connection);
    }

    /** Unlists {@code connection}. */
    public void remove(Connection connection) {
        connections.remove(connection);
    }

    @Override
    public List<Connection> connectionsOf(Namespace namespace, String userId) {
        return connections.stream()
                .filter(c -> c.isOpen() && c.namespace() == namespace && c.userId().equals(userId))
                .toList();
    }

    @Override
    public int size() {
        return connections.size();
    }
}
