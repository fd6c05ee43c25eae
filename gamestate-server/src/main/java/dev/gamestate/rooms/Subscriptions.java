package dev.gamestate.rooms;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.event.Connection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's subscriptions, by room (for the watch's fan-out) and by session (for limits,
 * unsubscribe and cleanup). A session holds at most one subscription per room.
 *
 * <p>Each subscription counts once towards its room's interest ({@link RoomWatches}): held before it
 * is listed in its room, released once when it leaves the room, so the room's watch runs while it is
 * listed.
 */
final class Subscriptions {

    /** A room in a namespace. */
    record RoomKey(Namespace namespace, String room) {
    }

    private final int maxPerSession;
    private final RoomWatches watches;
    private final Map<RoomKey, Set<Subscription>> byRoom = new ConcurrentHashMap<>();
    // A session's subscriptions by room, as an immutable map replaced on every change (under the
    // session's map bin lock): most sessions hold one or a few, which a concurrent map per session
    // would cost ten times the memory of.
    private final Map<String, Map<String, Subscription>> bySession = new ConcurrentHashMap<>();

    Subscriptions(int maxPerSession, RoomWatches watches) {
        this.maxPerSession = maxPerSession;
        this.watches = watches;
    }

    /**
     * Registers a new, held subscription of {@code connection} to {@code room}. One that already
     * existed is closed and replaced.
     *
     * @throws GameException {@code limit_exceeded} when the session already holds the most it may
     */
    Subscription add(Connection connection, String room) {
        // Every subscriber of a room on this node shares one copy of its name.
        Set<Subscription> peers = byRoom.get(new RoomKey(connection.namespace(), room));
        String name = peers == null ? room : peers.stream().findAny().map(Subscription::room).orElse(room);
        Subscription sub = new Subscription(connection, connection.namespace(), name);
        Subscription[] replaced = new Subscription[1];
        bySession.compute(connection.sessionId(), (id, mine) -> {
            if (!connection.isOpen()) {
                // closed() may already have run for it; nothing must stay behind.
                throw new GameException(ErrorCode.UNAVAILABLE, "the connection is closing");
            }
            Map<String, Subscription> current = mine == null ? Map.of() : mine;
            replaced[0] = current.get(room);
            if (replaced[0] == null && current.size() >= maxPerSession) {
                throw new GameException(ErrorCode.LIMIT_EXCEEDED,
                        "a session may subscribe to at most " + maxPerSession + " rooms");
            }
            if (current.isEmpty()) {
                return Map.of(sub.room(), sub);
            }
            Map<String, Subscription> next = new HashMap<>(current);
            next.put(sub.room(), sub);
            return Map.copyOf(next);
        });
        RoomKey key = new RoomKey(sub.namespace(), sub.room());
        watches.hold(key);
        byRoom.compute(key, (k, subs) -> {
            Set<Subscription> set = subs == null ? ConcurrentHashMap.newKeySet() : subs;
            set.add(sub);
            return set;
        });
        Optional.ofNullable(replaced[0]).ifPresent(this::dropFromRoom);
        if (sub.isClosed()) {
            // The connection closed between the check above and the listing: removeAll() missed it.
            dropFromRoom(sub);
        }
        return sub;
    }

    /** The subscription {@code connection} holds on {@code room}, if any. */
    Optional<Subscription> current(Connection connection, String room) {
        Map<String, Subscription> mine = bySession.get(connection.sessionId());
        return mine == null ? Optional.empty() : Optional.ofNullable(mine.get(room));
    }

    /** Every subscription {@code connection} holds. */
    List<Subscription> of(Connection connection) {
        Map<String, Subscription> mine = bySession.get(connection.sessionId());
        return mine == null ? List.of() : List.copyOf(mine.values());
    }

    /** Closes and forgets {@code connection}'s subscription to {@code room}. */
    Optional<Subscription> remove(Connection connection, String room) {
        Subscription[] removed = new Subscription[1];
        bySession.computeIfPresent(connection.sessionId(), (id, mine) -> {
            removed[0] = mine.get(room);
            return removed[0] == null ? mine : without(mine, room);
        });
        if (removed[0] == null) {
            return Optional.empty();
        }
        dropFromRoom(removed[0]);
        return Optional.of(removed[0]);
    }

    /** Closes and forgets {@code sub} unless another subscription replaced it already. */
    void remove(Subscription sub) {
        bySession.computeIfPresent(sub.connection().sessionId(), (id, mine) ->
                mine.get(sub.room()) == sub ? without(mine, sub.room()) : mine);
        dropFromRoom(sub);
    }

    /** Closes and forgets every subscription of {@code connection}. */
    List<Subscription> removeAll(Connection connection) {
        Map<String, Subscription> mine = bySession.remove(connection.sessionId());
        if (mine == null) {
            return List.of();
        }
        List<Subscription> removed = new ArrayList<>(mine.values());
        removed.forEach(this::dropFromRoom);
        return removed;
    }

    /** {@code mine} without {@code room}; null (no entry) when nothing is left. */
    private static Map<String, Subscription> without(Map<String, Subscription> mine, String room) {
        if (mine.size() == 1) {
            return null;
        }
        Map<String, Subscription> rest = new HashMap<>(mine);
        rest.remove(room);
        return Map.copyOf(rest);
    }

    /** The subscriptions of a room on this node; a live view, safe to iterate while it changes. */
    Collection<Subscription> inRoom(Namespace namespace, String room) {
        Set<Subscription> subs = byRoom.get(new RoomKey(namespace, room));
        return subs == null ? List.of() : subs;
    }

    /** The users subscribed to a room on this node, each with its number of subscriptions there. */
    Map<String, Integer> members(Namespace namespace, String room) {
        Map<String, Integer> members = new HashMap<>();
        for (Subscription sub : inRoom(namespace, room)) {
            members.merge(sub.connection().userId(), 1, Integer::sum);
        }
        return members;
    }

    /** The rooms that have subscribers on this node. */
    Set<RoomKey> rooms() {
        return Set.copyOf(byRoom.keySet());
    }

    private void dropFromRoom(Subscription sub) {
        sub.close();
        RoomKey key = new RoomKey(sub.namespace(), sub.room());
        boolean[] removed = new boolean[1];
        byRoom.computeIfPresent(key, (k, subs) -> {
            removed[0] = subs.remove(sub);
            return subs.isEmpty() ? null : subs;
        });
        if (removed[0]) {
            watches.release(key); // once per subscription, however often it is dropped
        }
    }
}
