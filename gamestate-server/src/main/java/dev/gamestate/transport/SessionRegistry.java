package dev.gamestate.transport;

import dev.gamestate.core.CloseCode;
import dev.gamestate.core.Namespace;
import dev.gamestate.event.Connection;
import dev.gamestate.event.Outbox;
import dev.gamestate.event.Push;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The node's live WebSocket sessions, by user. Implements the {@link Outbox} the services push through. */
public final class SessionRegistry implements Outbox {

    private record UserKey(Namespace namespace, String userId) {
    }

    // A user's sessions as an immutable list, replaced on change: nearly every user has one session,
    // and a one-element list costs a fraction of a concurrent set. Readers get it without copying.
    private final Map<UserKey, List<WsConnection>> byUser = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicInteger[] sizeByNamespace = new AtomicInteger[Namespace.values().length];

    /** An empty registry. */
    public SessionRegistry() {
        for (int i = 0; i < sizeByNamespace.length; i++) {
            sizeByNamespace[i] = new AtomicInteger();
        }
    }

    void add(WsConnection connection) {
        byUser.compute(new UserKey(connection.namespace(), connection.userId()), (k, list) -> {
            if (list == null) {
                return List.of(connection);
            }
            List<WsConnection> more = new ArrayList<>(list.size() + 1);
            more.addAll(list);
            more.add(connection);
            return List.copyOf(more);
        });
        size.incrementAndGet();
        sizeByNamespace[connection.namespace().ordinal()].incrementAndGet();
    }

    void remove(WsConnection connection) {
        byUser.computeIfPresent(new UserKey(connection.namespace(), connection.userId()), (k, list) -> {
            if (!list.contains(connection)) {
                return list;
            }
            size.decrementAndGet();
            sizeByNamespace[connection.namespace().ordinal()].decrementAndGet();
            List<WsConnection> rest = new ArrayList<>(list);
            rest.remove(connection);
            return rest.isEmpty() ? null : List.copyOf(rest);
        });
    }

    @Override
    public List<Connection> connectionsOf(Namespace namespace, String userId) {
        List<WsConnection> list = byUser.get(new UserKey(namespace, userId));
        return list == null ? List.of() : List.copyOf(list);
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
        return size.get();
    }

    /** Live sessions of {@code namespace}. */
    public int size(Namespace namespace) {
        return sizeByNamespace[namespace.ordinal()].get();
    }

    /** Closes every session with {@code code}; returns how many there were. */
    int closeAll(CloseCode code) {
        List<WsConnection> snapshot = new ArrayList<>();
        byUser.values().forEach(snapshot::addAll);
        snapshot.forEach(c -> c.close(code));
        return snapshot.size();
    }
}
