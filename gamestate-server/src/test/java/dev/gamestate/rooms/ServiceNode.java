package dev.gamestate.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.config.ConfigSource;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.core.Principal;
import dev.gamestate.event.Connection;
import dev.gamestate.event.ConnectionListener;
import dev.gamestate.event.Event;
import dev.gamestate.event.EventRegistry;
import dev.gamestate.event.EventType;
import dev.gamestate.event.Reply;
import dev.gamestate.protocol.Envelope;
import dev.gamestate.protocol.FrameException;
import dev.gamestate.protocol.WireCodec;
import dev.gamestate.state.Etcd;
import dev.gamestate.state.JsonValues;
import dev.gamestate.state.Keys;
import dev.gamestate.state.NodeLease;
import dev.gamestate.state.SessionDirectory;
import dev.gamestate.state.LeaseBuckets;
import dev.gamestate.state.RoomCommitter;
import dev.gamestate.state.SerialExecutor;
import dev.gamestate.state.SharedWatchStream;
import dev.gamestate.state.StreamListener;
import dev.gamestate.state.UserNotifications;
import dev.gamestate.state.UserWatches;
import dev.gamestate.testing.RecordingConnection;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One server node without its sockets: its own etcd client, lease, session directory and watch
 * stream (room and user watches on it, as a node holds them), the real services, and connections that record what they are sent. Requests go through the real wire
 * codec and registry, and a reply's afterSend runs right after its ack is recorded, as in the
 * transport.
 */
public final class ServiceNode implements AutoCloseable {

    private static final AtomicInteger SESSIONS = new AtomicInteger();

    private final GameConfig config;
    private final String nodeId;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Etcd etcd;
    private final NodeLease lease;
    private final SessionDirectory sessions;
    private final UserNotifications notifications;
    private final EndableWatchStream watchStream;
    private final UserWatches users;
    private final SerialExecutor streamThread;
    private final SerialExecutor roomsThread;
    private final RoomCommitter committer;
    private final WireCodec codec = WireCodec.create();
    private final JsonValues json = new JsonValues(codec.mapper());
    private final TestOutbox outbox = new TestOutbox();
    private final RoomService rooms;
    private final List<StreamListener> streamListeners = new CopyOnWriteArrayList<>();
    private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<EventRegistry.Builder>> registrations = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<Connection, CompletableFuture<Boolean>>> inboxDelivery =
            new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile EventRegistry registry;

    private ServiceNode(GameConfig config, String nodeId, PresencePolicy presence) {
        this.config = config;
        this.nodeId = nodeId;
        this.etcd = Etcd.create(config.etcd());
        this.lease = new NodeLease(etcd, nodeId, "{}", config.etcd().leaseTtl(), scheduler, Clock.systemUTC());
        lease.start().join();
        this.sessions = new SessionDirectory(etcd, lease, json);
        this.notifications = new UserNotifications(etcd);
        this.roomsThread = SerialExecutor.start("test-rooms-" + nodeId, 4096);
        this.committer = new RoomCommitter(etcd, json, config.rooms(),
                new LeaseBuckets(etcd, config.rooms().historyTtl(), Clock.systemUTC()), roomsThread, scheduler);
        this.streamThread = SerialExecutor.start("test-stream-" + nodeId, 1024);
        this.watchStream = new EndableWatchStream(SharedWatchStream.create(config.etcd(), streamThread),
                streamThread);
        this.rooms = new RoomService(config, nodeId, etcd, lease, json, codec, Clock.systemUTC(), committer,
                watchStream, scheduler, ROOM_WATCH_LINGER, outbox, presence);
        connectionListeners.add(rooms);
        registrations.add(rooms::register);
        StreamListener fanOut = new StreamListener() {
            @Override
            public void userNotification(Namespace ns, String userId, byte[] notification) {
                streamListeners.forEach(l -> l.userNotification(ns, userId, notification));
            }

            @Override
            public void inboxMessage(Namespace ns, String userId, String key, byte[] message) {
                streamListeners.forEach(l -> l.inboxMessage(ns, userId, key, message));
            }
        };
        this.users = new UserWatches(etcd, watchStream, fanOut);
    }

    /** Starts a node named {@code nodeId}; every room has presence. */
    public static ServiceNode start(GameConfig config, String nodeId) {
        return new ServiceNode(config, nodeId, PresencePolicy.always());
    }

    /** Starts a node named {@code nodeId} whose rooms have presence as {@code presence} says. */
    public static ServiceNode start(GameConfig config, String nodeId, PresencePolicy presence) {
        return new ServiceNode(config, nodeId, presence);
    }

    /**
     * A configuration on {@code endpoints} under a fresh key prefix, with {@code overrides} given as
     * environment variables (e.g. {@code GAMESTATE_ROOMS_HISTORY_SIZE}).
     */
    public static GameConfig config(String endpoints, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of(
                "GAMESTATE_ETCD_ENDPOINTS", endpoints,
                "GAMESTATE_AUTH_JWT_HMAC_SECRET", "x".repeat(40),
                "GAMESTATE_AUTH_GUEST_TOKEN_SECRET", "y".repeat(40),
                "GAMESTATE_ETCD_KEY_PREFIX", "/t-" + UUID.randomUUID() + "/"));
        env.putAll(overrides);
        return ConfigSource.load(Optional.empty(), env).bind();
    }

    /** Adds a service: its watch and connection callbacks and its request handlers. */
    public void add(StreamListener stream, ConnectionListener connections, Consumer<EventRegistry.Builder> handlers) {
        streamListeners.add(stream);
        connectionListeners.add(connections);
        registrations.add(handlers);
        registry = null;
    }

    /** Opens a connection of a player. */
    public RecordingConnection player(String userId) {
        return connect(Principal.player(userId));
    }

    /** Opens a connection of a guest. */
    public RecordingConnection guest(String userId) {
        return connect(Principal.guest(userId));
    }

    /**
     * Also told of every connection as it opens, with a future that completes after {@code opened}:
     * true when its user had messages waiting in the inbox when its session record was committed (as
     * the app's session tracker does).
     */
    public void onInboxWaiting(BiConsumer<Connection, CompletableFuture<Boolean>> delivery) {
        inboxDelivery.add(delivery);
    }

    /**
     * Opens a connection: listed in the outbox and the session directory, then {@code opened}, then the
     * inbox delivered when something waits.
     */
    public RecordingConnection connect(Principal principal) {
        RecordingConnection c = new RecordingConnection(nodeId + "-s" + SESSIONS.incrementAndGet(), principal);
        outbox.add(c);
        CompletableFuture<Boolean> inboxWaiting = new CompletableFuture<>();
        inboxDelivery.forEach(d -> d.accept(c, inboxWaiting));
        users.open(c.namespace(), c.userId(), c.sessionId()).join();
        boolean waiting = sessions.open(session(c)).join();
        connectionListeners.forEach(l -> l.opened(c));
        inboxWaiting.complete(waiting);
        return c;
    }

    /** Closes a connection: unlisted, then {@code closed}. */
    public void disconnect(RecordingConnection c) {
        c.close();
        outbox.remove(c);
        sessions.remove(session(c)).join();
        connectionListeners.forEach(l -> l.closed(c));
        users.close(c.namespace(), c.userId(), c.sessionId());
    }

    private SessionDirectory.SessionRecord session(RecordingConnection c) {
        return new SessionDirectory.SessionRecord(c.sessionId(), c.userId(), c.namespace(), nodeId, Instant.EPOCH);
    }

    /** Sends a request and answers its ack's result; a refused request throws its {@link GameException}. */
    public JsonNode request(RecordingConnection c, String type, String payload) {
        EventRegistry reg = registry();
        String id = "r-" + requests.incrementAndGet();
        Envelope envelope = codec.envelope("{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"payload\":" + payload + "}");
        EventType<?> eventType = reg.type(type).orElseThrow();
        Event<?> event;
        try {
            event = codec.event(envelope, eventType, c.principal(), Instant.now());
        } catch (FrameException e) {
            throw e.error();
        }
        Reply reply;
        try {
            reply = reg.dispatch(event, c).join();
        } catch (CompletionException e) {
            throw GameException.from(e);
        }
        byte[] ack = codec.ack(id, reply.result());
        c.reply(ack);
        reply.afterSend().run();
        try {
            return codec.mapper().readTree(ack).path("result");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request that must be refused, and answers the error. */
    public GameException refused(RecordingConnection c, String type, String payload) {
        try {
            JsonNode result = request(c, type, payload);
            throw new AssertionError(type + " " + payload + " was accepted: " + result);
        } catch (GameException e) {
            return e;
        }
    }

    private EventRegistry registry() {
        EventRegistry reg = registry;
        if (reg == null) {
            EventRegistry.Builder builder = EventRegistry.builder();
            registrations.forEach(r -> r.accept(builder));
            reg = builder.build();
            registry = reg;
        }
        return reg;
    }

    /** The configuration. */
    public GameConfig config() {
        return config;
    }

    /** The node's id. */
    public String nodeId() {
        return nodeId;
    }

    /** The etcd client. */
    public Etcd etcd() {
        return etcd;
    }

    /** The session directory. */
    public SessionDirectory sessions() {
        return sessions;
    }

    /** The user notifications. */
    public UserNotifications notifications() {
        return notifications;
    }

    /** The outbox. */
    public TestOutbox outbox() {
        return outbox;
    }

    /** The codec. */
    public WireCodec codec() {
        return codec;
    }

    /** The rooms service. */
    public RoomService rooms() {
        return rooms;
    }

    /** Reads a JSON value stored in etcd, if present. */
    public Optional<JsonNode> stored(String key) {
        var kvs = etcd.kv().get(Keys.bytes(key)).join().getKvs();
        return kvs.isEmpty() ? Optional.empty() : Optional.of(json.read(kvs.getFirst().getValue(), JsonNode.class));
    }

    /** How many keys start with {@code prefix}. */
    public long count(String prefix) {
        return etcd.kv().get(Keys.bytes(prefix),
                GetOption.builder().isPrefix(true).withCountOnly(true).build()).join().getCount();
    }

    /** The watch stream every room and user watch of this node is on; its watches can be ended. */
    EndableWatchStream watchStream() {
        return watchStream;
    }

    /** The user watches. */
    public UserWatches users() {
        return users;
    }

    /** How long a room's watch outlives its last subscription on a service node. */
    public static final Duration ROOM_WATCH_LINGER = Duration.ofMillis(300);

    /** Waits no longer than this in tests. */
    public static final Duration PATIENCE = Duration.ofSeconds(20);

    @Override
    public void close() {
        users.close();
        rooms.close();
        watchStream.close();
        streamThread.close();
        committer.close();
        roomsThread.close();
        lease.release().join();
        etcd.close();
        scheduler.shutdownNow();
    }
}
