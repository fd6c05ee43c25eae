package dev.gamestate.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.config.GameConfig;
import dev.gamestate.config.RoomPolicy;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Names;
import dev.gamestate.core.Namespace;
import dev.gamestate.event.Connection;
import dev.gamestate.event.ConnectionListener;
import dev.gamestate.event.Event;
import dev.gamestate.event.EventEncoder;
import dev.gamestate.event.EventIds;
import dev.gamestate.event.EventRegistry;
import dev.gamestate.event.OutboundEvent;
import dev.gamestate.event.Outbox;
import dev.gamestate.event.Push;
import dev.gamestate.event.Reply;
import dev.gamestate.state.Etcd;
import dev.gamestate.state.JsonValues;
import dev.gamestate.state.Keys;
import dev.gamestate.state.NodeLease;
import dev.gamestate.state.NodeRecords;
import dev.gamestate.state.RoomCommitter;
import dev.gamestate.state.RoomLog;
import dev.gamestate.state.SharedWatchStream;
import dev.gamestate.state.SubscriberCounts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rooms: subscriptions, broadcasts and the ordered stream every subscriber of a room sees.
 *
 * <p>State and history live in etcd ({@link RoomStream}); delivery runs through a watch of the room's
 * log that this node holds only while it has subscribers of the room ({@link RoomWatches}), which
 * hands each committed event to this node's subscribers. A subscription registers before it reads the
 * room, and that read either starts the room's watch just past its revision or comes after the read
 * that did, so it cannot miss an event committed after the seq it was told; everything at or below
 * that seq is dropped, so it never sees one twice.
 *
 * <p>Subscribing again to a room the session is already subscribed to replaces the subscription: the
 * ack carries a fresh snapshot and the events after it follow, none of them twice. Unsubscribing from
 * a room the session is not subscribed to is answered with {@code {}} all the same.
 *
 * <p>Rooms with presence ({@link PresencePolicy}) also tell their subscribers who is in them: a
 * {@code presence} request, and {@code core.game.state.presence} events as users join and leave
 * ({@link Presence}).
 */
public final class RoomService implements ConnectionListener, AutoCloseable {

    /** The user id of events the server itself causes. */
    public static final String SYSTEM = "system";

    private static final Logger LOG = LoggerFactory.getLogger(RoomService.class);
    /** Appended to an etcd trouble line: where an operator looks first. */
    private static final String CHECK_ETCD = " If it repeats, check etcd: /readyz, gamestate_etcd_errors_total";
    private static final long RESYNC_RETRY_MS = 1000;

    private final GameConfig config;
    private final EventEncoder encoder;
    private final Clock clock;
    private final EventIds ids;
    private final RoomStream stream;
    private final History history;
    private final Subscriptions subscriptions;
    private final SubscriberDirectory directory;
    private final RoomWatches watches;
    private final Presence presence;
    private final Outbox outbox;
    private final ScheduledExecutorService scheduler;
    private final Keys keys;
    private final ObjectMapper mapper;
    private final RoomPolicies policies;
    private volatile Consumer<Connection> roomsChanged = connection -> { };
    private volatile FanoutTimings fanout = FanoutTimings.NONE;
    // Subscriptions brought up to date by a fresh read of their room, by SnapshotReason.
    private final LongAdder[] resyncs = new LongAdder[SnapshotReason.values().length];

    /**
     * The rooms service of one node.
     *
     * @param config  the server configuration (rooms, limits, namespace policies)
     * @param nodeId  this node's id, recorded with its subscriptions
     * @param etcd    the etcd client
     * @param lease   the node lease its subscription records hang on
     * @param json    JSON for stored values
     * @param encoder encodes pushed events
     * @param clock   stamps events
     * @param committer commits room appends in batches
     * @param watchStream carries this node's room watches
     * @param scheduler runs the linger timers of room watches
     * @param linger    how long a room's watch outlives its last local subscription
     * @param outbox    this node's connections, for fan-out
     * @param presencePolicy which rooms have presence
     */
    public RoomService(GameConfig config, String nodeId, Etcd etcd, NodeLease lease, JsonValues json,
                       EventEncoder encoder, Clock clock, RoomCommitter committer, SharedWatchStream watchStream,
                       ScheduledExecutorService scheduler, Duration linger, Outbox outbox,
                       PresencePolicy presencePolicy) {
        this.config = config;
        for (int i = 0; i < resyncs.length; i++) {
            resyncs[i] = new LongAdder();
        }
        this.policies = new RoomPolicies(config.rooms().policies());
        this.outbox = outbox;
        this.scheduler = scheduler;
        this.encoder = encoder;
        this.clock = clock;
        this.ids = new EventIds(clock);
        this.keys = etcd.keys();
        this.mapper = json.mapper();
        this.stream = new RoomStream(RoomLog.inEtcd(etcd), json, encoder, config.rooms(), committer);
        this.history = new History(stream, config.rooms(), json.mapper(), clock);
        this.watches = new RoomWatches(watchStream, etcd.keys(), scheduler, linger,
                key -> stream.read(key.namespace(), key.room()));
        watches.deliverTo(new RoomWatches.Sink() {
            @Override
            public void roomEvent(Subscriptions.RoomKey key, long seq, byte[] event) {
                RoomService.this.roomEvent(key, seq, event);
            }

            @Override
            public void watchLost(Subscriptions.RoomKey key) {
                resyncRoom(key, false); // that room alone
            }

            @Override
            public void interestBegan(Subscriptions.RoomKey key) {
                presence.began(key);
            }

            @Override
            public void interestEnded(Subscriptions.RoomKey key) {
                presence.ended(key);
            }
        });
        this.subscriptions = new Subscriptions(config.limits().maxSubscriptionsPerSession(), watches);
        this.presence = new Presence(config.presence(), presencePolicy, nodeId, etcd.keys(),
                SubscriberCounts.inEtcd(etcd, json), json, watchStream, scheduler, subscriptions, outbox,
                (key, event) -> Push.ofUtf8(encoder.encode(new OutboundEvent.AboutRoom<>(RoomEvents.PRESENCE_EVENT,
                        ids.next(), key.namespace(), SYSTEM, clock.instant(), key.room(), event))));
        this.directory = new SubscriberDirectory(etcd, lease, json, nodeId, subscriptions, presencePolicy,
                config.presence().maxMembers(), presence.counters());
    }

    /** Binds {@code subscribe}, {@code unsubscribe}, {@code presence} and {@code core.game.state.broadcast}. */
    public void register(EventRegistry.Builder builder) {
        builder.register(RoomEvents.SUBSCRIBE, this::subscribe)
                .register(RoomEvents.UNSUBSCRIBE, this::unsubscribe)
                .register(RoomEvents.HISTORY, this::history)
                .register(RoomEvents.PRESENCE, this::presence)
                .register(RoomEvents.BROADCAST, this::broadcast);
    }

    private CompletableFuture<Reply> subscribe(Event<SubscribePayload> event, Connection caller) {
        String room = event.payload().room();
        Namespace ns = caller.namespace();
        policies.checkSubscribe(caller.principal(), room); // before anything is registered or written
        // Registered before the read below: every event after the seq it returns reaches the subscription.
        Subscription sub = subscriptions.add(caller, room);
        directory.add(sub); // the room's record, informational: the ack does not wait for it
        presence.changed(new Subscriptions.RoomKey(ns, room));
        roomsChanged.accept(caller);
        OptionalLong since = event.payload().since();
        CompletableFuture<Reply> reply = watches.read(new Subscriptions.RoomKey(ns, room)).thenCompose(state ->
                history.since(ns, room, since, event.payload().epoch(), state)
                        .thenApply(replay -> ack(sub, state, since, replay)));
        return reply.whenComplete((r, error) -> {
            if (error != null) {
                subscriptions.remove(sub);
                left(List.of(sub));
                roomsChanged.accept(caller);
            }
        });
    }

    /** The subscribe ack; once it is queued, the replay follows and the subscription goes live. */
    private Reply ack(Subscription sub, RoomStream.RoomState state, OptionalLong since, History.Replay replay) {
        OptionalLong missed = since.isPresent()
                ? OptionalLong.of(Math.max(0, state.seq() - since.getAsLong()))
                : OptionalLong.empty();
        SubscribeResult result = new SubscribeResult(sub.room(), state.seq(), state.epoch(), state.state(),
                replay.recovered(), missed);
        return Reply.of(result, () -> {
            if (sub.start(replay.events(), state.seq(), state.epoch())) {
                resyncs[SnapshotReason.RESYNC.ordinal()].increment();
                resync(sub.namespace(), sub.room(), List.of(sub), SnapshotReason.RESYNC);
            }
        });
    }

    private CompletableFuture<Reply> history(Event<HistoryPayload> event, Connection caller) {
        HistoryPayload p = event.payload();
        Namespace ns = caller.namespace();
        if (!mayRead(caller, p.room())) {
            return forbidden("subscribe to room " + p.room() + " before reading its history");
        }
        return stream.read(ns, p.room()).thenCompose(state ->
                history.page(ns, p.room(), p.since(), p.pageSize(), p.epoch(), state)).thenApply(Reply::of);
    }

    /**
     * Whether {@code caller} may read {@code room}'s history: a subscriber may; so may anyone in the
     * namespace where the room's policy is {@code subscribe: open} (a claim room needs the subscription).
     */
    private boolean mayRead(Connection caller, String room) {
        return isSubscribed(caller, room) || policies.forRoom(room).subscribe() == RoomPolicy.Subscribe.OPEN;
    }

    private CompletableFuture<Reply> unsubscribe(Event<UnsubscribePayload> event, Connection caller) {
        Optional<Subscription> removed = subscriptions.remove(caller, event.payload().room());
        if (removed.isEmpty()) {
            return CompletableFuture.completedFuture(Reply.of(new UnsubscribeResult()));
        }
        left(List.of(removed.get())); // the room's record, informational: not waited for
        roomsChanged.accept(caller);
        return CompletableFuture.completedFuture(Reply.of(new UnsubscribeResult()));
    }

    /** {@code subs} were dropped: their rooms' records and presence follow. */
    private void left(List<Subscription> subs) {
        directory.remove(subs);
        for (Subscription sub : subs) {
            Subscriptions.RoomKey key = new Subscriptions.RoomKey(sub.namespace(), sub.room());
            presence.forget(sub.connection(), key);
            presence.changed(key);
        }
    }

    /**
     * Who is in a room the caller is subscribed to, as this node last told its subscribers; the
     * presence events that follow the reply bring it up to date.
     */
    private CompletableFuture<Reply> presence(Event<PresencePayload> event, Connection caller) {
        Subscriptions.RoomKey key = new Subscriptions.RoomKey(caller.namespace(), event.payload().room());
        if (!presence.enabled(key)) {
            return forbidden("room " + key.room() + " has no presence");
        }
        if (!isSubscribed(caller, key.room())) {
            return forbidden("subscribe to room " + key.room() + " before asking who is in it");
        }
        return presence.hold(caller, key).thenApply(result -> Reply.of(result, () -> presence.release(caller, key)));
    }

    private CompletableFuture<Reply> broadcast(Event<BroadcastPayload> event, Connection caller) {
        BroadcastPayload p = event.payload();
        if (!config.namespaces().of(caller.namespace()).allowBroadcast()) {
            return forbidden("broadcast is not allowed in the " + caller.namespace().wire() + " namespace");
        }
        if (!isSubscribed(caller, p.room())) {
            return forbidden("subscribe to room " + p.room() + " before broadcasting to it");
        }
        policies.checkBroadcast(caller.principal(), p.room(), p.patch());
        return publish(caller.namespace(), p, caller.userId()).thenApply(Reply::of);
    }

    /**
     * Broadcasts {@code broadcast} on behalf of {@code userId} ({@link #SYSTEM} for the admin API),
     * with no permission check; completes once etcd committed the event.
     */
    public CompletableFuture<BroadcastResult> publish(Namespace ns, BroadcastPayload broadcast, String userId) {
        try {
            broadcast.validate();
        } catch (GameException e) {
            return CompletableFuture.failedFuture(e);
        }
        String room = broadcast.room();
        String eventId = ids.next();
        Instant now = clock.instant();
        BroadcastEvent body = new BroadcastEvent(broadcast.patch(), broadcast.data());
        LongFunction<OutboundEvent.InRoom<?>> eventAt = seq -> new OutboundEvent.InRoom<>(RoomEvents.BROADCAST_EVENT,
                eventId, ns, userId, now, room, seq, body);
        if (broadcast.requestId().isPresent()) {
            return appendOnce(ns, room, userId, broadcast.requestId().get(), "broadcast", broadcast.patch(),
                    broadcast.data(), eventId, eventAt).thenApply(appended ->
                    new BroadcastResult(room, appended.seq(), appended.eventId(), Optional.of(appended.replayed())));
        }
        return append(ns, room, broadcast.patch(), eventAt).thenApply(seq -> new BroadcastResult(room, seq, eventId));
    }

    /**
     * Appends an event to a room's ordered stream, applying {@code patch} to its state when present,
     * and completes with its seq once committed. {@code eventAt} builds the event for the seq it gets;
     * it must carry that seq. Every room event (broadcasts, room messages) goes through here.
     */
    public CompletableFuture<Long> append(Namespace ns, String room, Optional<JsonNode> patch,
                                          LongFunction<OutboundEvent.InRoom<?>> eventAt) {
        return stream.append(ns, room, patch, eventAt);
    }

    /**
     * As {@link #append}, at most once per ({@code userId}, {@code requestId}) in the room within its
     * history window, on any node: a copy of a request committed before answers its seq and event id,
     * {@code replayed}; the same id with other content ({@code kind}, {@code patch} and {@code other}
     * compared as JSON values) fails with {@code conflict}. {@code patch} also patches the state.
     */
    public CompletableFuture<RoomCommitter.Appended> appendOnce(Namespace ns, String room, String userId,
                                                                String requestId, String kind,
                                                                Optional<JsonNode> patch, Optional<JsonNode> other,
                                                                String eventId,
                                                                LongFunction<OutboundEvent.InRoom<?>> eventAt) {
        RoomCommitter.Once once = new RoomCommitter.Once(keys.roomRequest(ns, room, userId, requestId),
                RequestHash.of(mapper, kind, room, patch, other), eventId);
        // A room message's text rides in "patch" for the hash only: it must not patch the state.
        Optional<JsonNode> statePatch = kind.equals("broadcast") ? patch : Optional.empty();
        return stream.appendOnce(ns, room, once, statePatch, eventAt);
    }

    /** The configured room policies ({@code rooms.policies}): who may do what in which room. */
    public RoomPolicies policies() {
        return policies;
    }

    /** The rooms {@code connection} is subscribed to on this node. */
    public List<String> roomsOf(Connection connection) {
        return subscriptions.of(connection).stream().map(Subscription::room).toList();
    }

    /**
     * Tells {@code listener} whenever a subscribe or unsubscribe changed the rooms of a connection
     * (not when it closes), on the thread that changed them; it reads them with {@link #roomsOf}.
     */
    public void onRoomsChanged(Consumer<Connection> listener) {
        this.roomsChanged = listener;
    }

    /** True when {@code connection} is subscribed to {@code room} on this node. */
    public boolean isSubscribed(Connection connection, String room) {
        return subscriptions.current(connection, room).isPresent();
    }

    /** A room's state, seq and subscriber count across the cluster, for the admin API. */
    public CompletableFuture<RoomSnapshot> snapshot(Namespace ns, String room) {
        try {
            Names.requireId("room", room);
        } catch (GameException e) {
            return CompletableFuture.failedFuture(e);
        }
        return stream.read(ns, room).thenCombine(directory.count(ns, room),
                (state, count) -> new RoomSnapshot(room, state.seq(), state.epoch(), state.state(), count));
    }

    /**
     * Fans a committed room event out to this node's subscribers of that room; encoded once. Seq 0 is
     * the reset marker of a deleted room: its subscribers are resynced onto the new stream.
     */
    private void roomEvent(Subscriptions.RoomKey key, long seq, byte[] event) {
        if (seq == 0) {
            resyncRoom(key, true);
            return;
        }
        Collection<Subscription> subs = subscriptions.inRoom(key.namespace(), key.room());
        if (subs.isEmpty()) {
            return;
        }
        Push push = Push.ofUtf8(event);
        List<Connection> now = new ArrayList<>(subs.size());
        for (Subscription sub : subs) {
            switch (sub.offer(seq, push)) {
                case DELIVER -> now.add(sub.connection());
                case CONFLATING -> {
                    if (!sub.connection().congested()) {
                        catchUp(sub.connection()); // it drained before it was marked: nobody else will call
                    }
                }
                case KEPT -> {
                }
            }
        }
        // One hand-over per event loop, not one per subscriber.
        outbox.pushAll(push, now);
        long committedAt = EventTimestamps.epochMillis(event);
        fanout.roomEvent(committedAt < 0 ? -1 : Math.max(0, clock.millis() - committedAt), now.size());
    }

    /** A congested connection drained: its conflated subscriptions get a snapshot each. */
    @Override
    public void drained(Connection connection) {
        catchUp(connection);
    }

    private void catchUp(Connection connection) {
        for (Subscription sub : subscriptions.of(connection)) {
            if (sub.holdForCatchUp()) {
                resyncs[SnapshotReason.CONFLATED.ordinal()].increment();
                resync(sub.namespace(), sub.room(), List.of(sub), SnapshotReason.CONFLATED);
            }
        }
    }

    /**
     * Events may have been lost for every room: holds every subscription here (they buffer what the
     * watches bring), reads each room and sends a {@code snapshot} event to the subscriptions that
     * are behind.
     */
    public void resync() {
        for (Subscriptions.RoomKey key : subscriptions.rooms()) {
            resyncRoom(key, false);
        }
    }

    private void resyncRoom(Subscriptions.RoomKey key, boolean restarted) {
        List<Subscription> held = subscriptions.inRoom(key.namespace(), key.room()).stream()
                .filter(sub -> sub.holdForResync(restarted))
                .toList();
        resyncs[(restarted ? SnapshotReason.RESET : SnapshotReason.RESYNC).ordinal()].add(held.size());
        // Read even with nothing held: the read restarts a lost watch (subscriptions still waiting
        // for their ack are marked, and resync once they start).
        resync(key.namespace(), key.room(), held, SnapshotReason.RESYNC);
    }

    private void resync(Namespace ns, String room, List<Subscription> held, SnapshotReason reason) {
        watches.read(new Subscriptions.RoomKey(ns, room)).whenComplete((state, error) -> {
            if (error != null) {
                if (held.stream().anyMatch(s -> !s.isClosed())) {
                    LOG.warn("could not read room {} to resync its subscribers ({}); retrying in {} ms."
                            + CHECK_ETCD, room, error.getMessage(), RESYNC_RETRY_MS);
                    try {
                        scheduler.schedule(() -> resync(ns, room, held, reason), RESYNC_RETRY_MS,
                                TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException e) {
                        // the node is shutting down: its subscriptions go with it
                    }
                }
                return;
            }
            Push snapshot = held.stream().anyMatch(s -> s.lastSeq() < state.seq() && !s.isNewEpoch(state.epoch()))
                    ? snapshot(ns, room, state, reason) : null;
            Push reset = held.stream().anyMatch(s -> s.isNewEpoch(state.epoch()))
                    ? snapshot(ns, room, state, SnapshotReason.RESET) : null;
            held.forEach(sub -> sub.resynced(state.seq(), state.epoch(), snapshot, reset));
        });
    }

    private Push snapshot(Namespace ns, String room, RoomStream.RoomState state, SnapshotReason reason) {
        return Push.ofUtf8(encoder.encode(new OutboundEvent.InRoom<>(RoomEvents.SNAPSHOT, ids.next(), ns, SYSTEM,
                clock.instant(), room, state.seq(), new SnapshotEvent(state.state(), reason, state.epoch()))));
    }

    /**
     * Deletes a room's stream for the admin API: its state and history go, a new epoch begins at seq 0,
     * and every subscriber on every node gets a {@code snapshot} with reason {@code reset}.
     */
    public CompletableFuture<RoomSnapshot> delete(Namespace ns, String room) {
        try {
            Names.requireId("room", room);
        } catch (GameException e) {
            return CompletableFuture.failedFuture(e);
        }
        return stream.delete(ns, room).thenCompose(epoch -> snapshot(ns, room));
    }

    /** Drops every subscription of the closed connection. */
    @Override
    public void closed(Connection connection) {
        left(subscriptions.removeAll(connection));
    }

    /** Reports every room event fanned out here to {@code timings} (watch lag, recipients). */
    public void meterFanout(FanoutTimings timings) {
        this.fanout = timings;
    }

    /**
     * Subscriptions here brought up to date by a fresh read of their room since start, by why:
     * {@link SnapshotReason#RESYNC} (the room's watch was lost or restarted), {@link SnapshotReason#CONFLATED}
     * (a slow reader drained), {@link SnapshotReason#RESET} (the room was deleted).
     */
    public long resyncs(SnapshotReason reason) {
        return resyncs[reason.ordinal()].sum();
    }

    /** Room log events this node received from its room watches. */
    public long roomEventsReceived() {
        return watches.received();
    }

    /** Rooms this node watches (or is starting or lingering to watch). */
    public int watchedRooms() {
        return watches.rooms();
    }

    /** Stops every room watch and linger timer, and presence with them. */
    @Override
    public void close() {
        watches.close();
        presence.close();
    }

    /** The batched writer of this node's room subscriber records, for its metrics. */
    public NodeRecords subscriberCounts() {
        return directory.records();
    }

    /** What presence costs this node, for its metrics. */
    public PresenceCounters presenceCounters() {
        return presence.counters();
    }

    private static <T> CompletableFuture<T> forbidden(String message) {
        return CompletableFuture.failedFuture(new GameException(ErrorCode.FORBIDDEN, message));
    }
}
