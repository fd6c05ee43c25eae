package dev.gamestate.transport;

import dev.gamestate.core.CloseCode;
import dev.gamestate.core.Namespace;
import dev.gamestate.event.Connection;
import dev.gamestate.event.Outbox;
import dev.gamestate.event.Push;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The node's live WebSocket sessions, by user. Implements the {@link Outbox} the services push through. */
public final class SessionRegistry implements Outbox {

    private record UserKey(Namespace namespace, String userId) {
    }

    private final Map<UserKey, Set<WsConnection>> byUser = new ConcurrentHashMap<>();
    private final Set<WsConnection> all = ConcurrentHashMap.newKeySet();

    void add(WsConnection connection) {
        all.add(connection);
        byUser.computeIfAbsent(new UserKey(connection.namespace(), connection.userId()),
                k -> ConcurrentHashMap.newKeySet()).add(connection);
    }

    void remove(WsConnection connection) {
        all.remove(connection);
        byUser.computeIfPresent(new UserKey(connection.namespace(), connection.userId()), (k, set) -> {
            set.remove(connection);
            return set.isEmpty() ? null : set;
        });
    }

    @Override
    public List<Connection> connectionsOf(Namespace namespace, String userId) {
        Set<WsConnection> set = byUser.get(new UserKey(namespace, userId));
        return set == null ? List.of() : List.copyOf(set);
    }

    /** Hands the frame to each recipient's lane once, with that lane's recipients in list order. */
    @Override
    public void pushAll(Push push, List<Connection> recipients) {
        // A node has a handful of event loops: a list beats a map here.
        List<OutboundLane> lanes = new ArrayList<>(4);
        List<List<WsConnection>> perLane = new ArrayList<>(4);
        for (Connection recipient : recipients) {
            if (!(recipient instanceof WsConnection connection)) {
                recipient.push(push);
                continue;
            }
            if (!connection.accepting()) {
                continue;
            }
            int index = lanes.indexOf(connection.lane());
            if (index < 0) {
                lanes.add(connection.lane());
                perLane.add(new ArrayList<>(recipients.size()));
                index = lanes.size() - 1;
            }
            perLane.get(index).add(connection);
            connection.countFanOut(push.size());
        }
        for (int i = 0; i < lanes.size(); i++) {
            lanes.get(i).enqueueAll(perLane.get(i), push.utf8());
        }
    }

    @Override
    public int size() {
        return all.size();
    }

    /** Closes every session with {@code code}; returns how many there were. */
    int closeAll(CloseCode code) {
        List<WsConnection> snapshot = new ArrayList<>(all);
        snapshot.forEach(c -> c.close(code));
        return snapshot.size();
    }
}
