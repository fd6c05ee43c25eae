package dev.gamestate.rooms;

import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.event.Connection;
import dev.gamestate.event.Outbox;
import dev.gamestate.event.Push;
import dev.gamestate.state.ChangeListener;
import dev.gamestate.state.JsonValues;
import dev.gamestate.state.Keys;
import dev.gamestate.state.SharedWatchStream;
import dev.gamestate.state.SubscriberCounts;
import dev.gamestate.state.SubscriberRecord;
import dev.gamestate.state.WatchEnd;
import dev.gamestate.state.WatchedChange;
import dev.gamestate.state.WatchedDelete;
import dev.gamestate.state.WatchedPut;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is in each room this node has subscribers of, for the rooms whose {@link PresencePolicy} has it.
 *
 * <p>It costs etcd no write of its own: every node already keeps one record per room it has
 * subscribers of ({@link SubscriberDirectory}: coalesced, under its lease), and that record lists its
 * users. A room's presence here is followed exactly while the node watches the room's log (from its
 * first subscriber here to the linger after its last, {@link RoomWatches}): one read of the room's
 * records, then one watch of them (deletes included: a node whose last subscriber left, or whose lease
 * expired with it, deletes its record). This node's own subscribers come from memory, not from its
 * record. A compacted watch reads the records again.
 */
final class Presence implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Presence.class);
    /** Appended to an etcd trouble line: where an operator looks first. */
    private static final String CHECK_ETCD = " If it repeats, check etcd: /readyz, gamestate_etcd_errors_total";
    private static final long RETRY_MS = 1000;

    private final GameConfig.Presence config;
    private final PresencePolicy policy;
    private final String nodeId;
    private final Keys keys;
    private final SubscriberCounts records;
    private final JsonValues json;
    private final SharedWatchStream stream;
    private final ScheduledExecutorService scheduler;
    private final Subscriptions subscriptions;
    private final Outbox outbox;
    private final BiFunction<Subscriptions.RoomKey, PresenceEvent, Push> encoder;
    private final Map<Subscriptions.RoomKey, RoomPresence> rooms = new ConcurrentHashMap<>();
    private final PresenceCounters counters = new PresenceCounters(rooms::size);

    /**
     * Presence of this node's rooms of interest.
     *
     * @param config        member bound and push interval
     * @param policy        which rooms have presence
     * @param nodeId        this node, whose own record is left to memory
     * @param keys          where the records are
     * @param records       reads them
     * @param json          reads what the watch brings
     * @param stream        carries the watches of the records
     * @param scheduler     runs the push timers and retries
     * @param subscriptions this node's subscribers
     * @param outbox        queues events to connections
     * @param encoder       a room's event as a frame
     */
    Presence(GameConfig.Presence config, PresencePolicy policy, String nodeId, Keys keys, SubscriberCounts records,
             JsonValues json, SharedWatchStream stream, ScheduledExecutorService scheduler,
             Subscriptions subscriptions, Outbox outbox,
             BiFunction<Subscriptions.RoomKey, PresenceEvent, Push> encoder) {
        this.config = config;
        this.policy = policy;
        this.nodeId = nodeId;
        this.keys = keys;
        this.records = records;
        this.json = json;
        this.stream = stream;
        this.scheduler = scheduler;
        this.subscriptions = subscriptions;
        this.outbox = outbox;
        this.encoder = encoder;
    }

    /** True when {@code key}'s room has presence. */
    boolean enabled(Subscriptions.RoomKey key) {
        return policy.presenceEnabled(key.namespace(), key.room());
    }

    /** The most users a record or a roster lists. */
    int maxMembers() {
        return config.maxMembers();
    }

    /** The node began to watch room {@code key}: its presence is followed from now on, when it has it. */
    void began(Subscriptions.RoomKey key) {
        if (!enabled(key)) {
            return;
        }
        RoomPresence room = new RoomPresence(key, config.maxMembers(), config.interval(), scheduler,
                () -> subscriptions.members(key.namespace(), key.room()),
                () -> recipients(key), event -> encoder.apply(key, event), outbox, counters);
        RoomPresence before = rooms.put(key, room);
        if (before != null) {
            before.close(); // never: interest in a room begins once until it ends
        }
        load(room);
    }

    /** The node stopped watching room {@code key}: its presence is no longer followed. */
    void ended(Subscriptions.RoomKey key) {
        RoomPresence room = rooms.remove(key);
        if (room != null) {
            room.close();
        }
    }

    /** This node's subscribers of {@code key} changed. */
    void changed(Subscriptions.RoomKey key) {
        RoomPresence room = rooms.get(key);
        if (room != null) {
            room.localChanged();
        }
    }

    /** {@code connection} left room {@code key}: nothing stays held for it. */
    void forget(Connection connection, Subscriptions.RoomKey key) {
        RoomPresence room = rooms.get(key);
        if (room != null) {
            room.forget(connection);
        }
    }

    /**
     * The {@code presence} reply for {@code connection}, which is subscribed to {@code key}; once it
     * is queued, {@link #release} must follow.
     */
    CompletableFuture<PresenceResult> hold(Connection connection, Subscriptions.RoomKey key) {
        RoomPresence room = rooms.get(key);
        if (room == null) {
            return CompletableFuture.failedFuture(new GameException(ErrorCode.UNAVAILABLE,
                    "presence of room " + key.room() + " is not followed on this node yet", 1000));
        }
        return room.hold(connection);
    }

    /** The reply of {@link #hold} was queued. */
    void release(Connection connection, Subscriptions.RoomKey key) {
        RoomPresence room = rooms.get(key);
        if (room != null) {
            room.release(connection);
        }
    }

    /** Its metrics. */
    PresenceCounters counters() {
        return counters;
    }

    /** Stops every room's watch and timers. */
    @Override
    public void close() {
        for (Subscriptions.RoomKey key : List.copyOf(rooms.keySet())) {
            ended(key);
        }
    }

    private List<Connection> recipients(Subscriptions.RoomKey key) {
        List<Connection> to = new ArrayList<>();
        for (Subscription sub : subscriptions.inRoom(key.namespace(), key.room())) {
            if (sub.acked() && !sub.isClosed()) {
                to.add(sub.connection());
            }
        }
        return to;
    }

    /** Reads the room's records, tells them, and watches them from just past that read. */
    private void load(RoomPresence room) {
        Subscriptions.RoomKey key = room.key();
        int generation = room.loading();
        records.records(key.namespace(), key.room()).whenComplete((read, error) -> {
            if (error != null) {
                if (room.failed(generation, error)) {
                    LOG.warn("could not read who is in room {} ({}); retrying in {} ms, presence replies for it wait."
                            + CHECK_ETCD, key.room(), error.getMessage(), RETRY_MS);
                    room.later(() -> load(room), RETRY_MS);
                }
                return;
            }
            Map<String, SubscriberRecord> others = new HashMap<>(read.records());
            others.remove(nodeId);
            if (!room.loaded(generation, others)) {
                return;
            }
            SharedWatchStream.Watch watch;
            try {
                watch = stream.watchPrefixChanges(keys.subscriptions(key.namespace(), key.room()), read.revision() + 1,
                        new Listener(room, generation));
            } catch (IllegalStateException closed) {
                return; // the node is shutting down
            }
            if (!room.watching(generation, watch)) {
                watch.cancel();
            }
        });
    }

    /** One room's watch of the records, on the stream thread. */
    private final class Listener implements ChangeListener {

        private final RoomPresence room;
        private final int generation;
        private final int prefixLength;

        Listener(RoomPresence room, int generation) {
            this.room = room;
            this.generation = generation;
            this.prefixLength = keys.subscriptions(room.key().namespace(), room.key().room()).length();
        }

        @Override
        public void onChanges(List<WatchedChange> changes) {
            List<RoomPresence.NodeRecord> others = new ArrayList<>(changes.size());
            for (WatchedChange change : changes) {
                String node = change.key().substring(prefixLength);
                if (node.equals(nodeId)) {
                    continue; // this node's own subscribers come from memory
                }
                others.add(new RoomPresence.NodeRecord(node, switch (change) {
                    case WatchedPut put -> Optional.of(SubscriberRecord.decode(put.value(), json));
                    case WatchedDelete delete -> Optional.empty();
                }));
            }
            counters.recordsReceived(others.size());
            if (!others.isEmpty()) {
                room.changed(generation, others);
            }
        }

        @Override
        public void onEnd(WatchEnd end) {
            switch (end) {
                case WatchEnd.Compacted c -> {
                    LOG.info("the watch of who is in room {} was compacted at {}; reading it again",
                            room.key().room(), c.compactRevision());
                    load(room);
                }
                case WatchEnd.Refused r -> {
                    LOG.error("etcd refused the watch of who is in room {} ({}); retrying in {} ms, joins and leaves"
                            + " are not pushed meanwhile. With etcd auth, check that the gamestate user may read"
                            + " etcd.keyPrefix", room.key().room(), r.reason(), RETRY_MS);
                    room.later(() -> load(room), RETRY_MS);
                }
            }
        }
    }
}
