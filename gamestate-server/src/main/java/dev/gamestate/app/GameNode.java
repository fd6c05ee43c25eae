package dev.gamestate.app;

import dev.gamestate.admin.AdminApi;
import dev.gamestate.auth.GuestTokens;
import dev.gamestate.auth.PlayerTokenVerifier;
import dev.gamestate.config.GameConfig;
import dev.gamestate.event.ConnectionListener;
import dev.gamestate.event.EventRegistry;
import dev.gamestate.messaging.MessagingService;
import dev.gamestate.protocol.WireCodec;
import dev.gamestate.rooms.PresenceCounters;
import dev.gamestate.rooms.PresencePolicy;
import dev.gamestate.rooms.RoomPolicies;
import dev.gamestate.rooms.RoomService;
import dev.gamestate.sessions.SessionControl;
import dev.gamestate.state.Compactor;
import dev.gamestate.state.Etcd;
import dev.gamestate.state.EtcdFaults;
import dev.gamestate.state.JsonValues;
import dev.gamestate.state.NodeLease;
import dev.gamestate.state.LeaseBuckets;
import dev.gamestate.state.RoomCommitter;
import dev.gamestate.state.SerialExecutor;
import dev.gamestate.state.SessionDirectory;
import dev.gamestate.state.SharedWatchStream;
import dev.gamestate.state.UserNotifications;
import dev.gamestate.state.UserWatches;
import dev.gamestate.store.StoreService;
import dev.gamestate.transport.GameServer;
import dev.gamestate.transport.HttpEndpoint;
import dev.gamestate.transport.OpsEndpoints;
import dev.gamestate.transport.Ping;
import dev.gamestate.transport.SessionRegistry;
import dev.gamestate.transport.TokenRefresh;
import dev.gamestate.transport.TransportMetrics;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running gamestate node: the one place that builds every part with its constructor, starts them
 * in order and closes them in reverse.
 */
public final class GameNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GameNode.class);
    /**
     * How long a room's watch outlives its last subscription here: a player who leaves and comes
     * back (a reconnect, a page reload) within it reuses the watch instead of a cancel and a create.
     */
    private static final Duration ROOM_WATCH_LINGER = Duration.ofSeconds(3);

    private final GameConfig config;
    private final List<AutoCloseable> closeInReverse = new ArrayList<>();
    private GameServer server;
    private NodeLease lease;
    private InetSocketAddress address;

    private GameNode(GameConfig config) {
        this.config = config;
    }

    /** Builds and starts a node; on failure everything already started is closed again. */
    public static GameNode start(GameConfig config) {
        GameNode node = new GameNode(config);
        try {
            node.startParts();
            return node;
        } catch (RuntimeException | InterruptedException e) {
            node.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("gamestate could not start: " + e.getMessage(), e);
        }
    }

    private void startParts() throws InterruptedException {
        Clock clock = Clock.systemUTC();
        String nodeId = config.server().nodeId();
        WireCodec codec = WireCodec.create();
        JsonValues json = new JsonValues(codec.mapper());
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meters.config().commonTags("node", nodeId);
        closeInReverse.add(meters::close);
        closeInReverse.add(SystemMetrics.bind(meters));

        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("gamestate-scheduler").factory());
        // Every etcd call arms a timeout here and cancels it when etcd answers: cancelled timers leave the queue.
        scheduler.setRemoveOnCancelPolicy(true);
        closeInReverse.add(scheduler::shutdownNow);
        // jetcd's callbacks (futures completed, keep-alive answers) run here, not on a pool jetcd makes;
        // shut down after the client (closed in reverse).
        ExecutorService etcdCallbacks = Executors.newCachedThreadPool(
                Thread.ofPlatform().daemon().name("gamestate-etcd-", 0).factory());
        closeInReverse.add(etcdCallbacks::shutdownNow);

        Etcd etcd = Etcd.create(config.etcd(), etcdCallbacks, scheduler, new EtcdMetrics(meters));
        closeInReverse.add(etcd);
        for (String kind : EtcdFaults.KINDS) {
            FunctionCounter.builder("gamestate.etcd.errors", etcd.faults(), f -> f.count(kind)).tag("kind", kind)
                    .description("etcd calls that failed, by why (no_space, no_leader, timeout, unreachable, other)")
                    .register(meters);
        }
        awaitEtcd(etcd);

        lease = new NodeLease(etcd, nodeId, registration(nodeId, clock), config.etcd().leaseTtl(), scheduler, clock);
        lease.start().join();
        ServiceMetrics.bindLease(meters, lease);
        closeInReverse.add(() -> lease.release().get(config.etcd().requestTimeout().toMillis(), TimeUnit.MILLISECONDS));
        SessionDirectory directory = new SessionDirectory(etcd, lease, json);
        RecordMetrics.bind(directory.records(), meters);

        SessionRegistry sessions = new SessionRegistry();
        TransportMetrics transportMetrics = new TransportMetrics(meters, sessions);

        UserNotifications notifications = new UserNotifications(etcd);
        // Room appends: one thread owns every room's queue and warm state; appends past 65536 queued
        // tasks answer unavailable rather than wait on a Netty thread.
        SerialExecutor roomsThread = SerialExecutor.start("gamestate-rooms", 65_536);
        closeInReverse.add(roomsThread);
        RoomCommitter committer = new RoomCommitter(etcd, json, config.rooms(),
                new LeaseBuckets(etcd, config.rooms().historyTtl(), clock), roomsThread, scheduler,
                committerTimings(meters));
        closeInReverse.add(committer);
        meterCommitter(meters, committer, roomsThread);

        // The watches' consumer: fans events out off gRPC's thread. The watch stream keeps at most 256
        // responses here (flow control); the rest of the bound is for resyncs and ends.
        SerialExecutor streamThread = SerialExecutor.start("gamestate-stream", 4096);
        closeInReverse.add(streamThread);
        Gauge.builder("gamestate.stream.queued", streamThread::depth)
                .description("watch responses waiting for the stream thread").register(meters);
        // One gRPC stream carries every watch: one or two per room with subscribers here, two per user
        // with sessions here.
        SharedWatchStream watchStream = SharedWatchStream.create(config.etcd(), streamThread, etcd.faults());
        closeInReverse.add(watchStream);
        ServiceMetrics.bindWatchStream(meters, watchStream);
        // A room has presence unless its policy (rooms.policies) says presence: false.
        RoomPolicies roomPolicies = new RoomPolicies(config.rooms().policies());
        PresencePolicy presence = (namespace, room) -> roomPolicies.forRoom(room).presence();
        RoomService rooms = new RoomService(config, nodeId, etcd, lease, json, codec, clock, committer,
                watchStream, scheduler, ROOM_WATCH_LINGER, sessions, presence);
        closeInReverse.add(rooms);
        RecordMetrics.bind(rooms.subscriberCounts(), meters);
        meterPresence(meters, rooms.presenceCounters());
        ServiceMetrics.bindRooms(meters, rooms);
        MessagingService messaging = new MessagingService(config, etcd, rooms, directory, notifications, sessions,
                codec, clock);
        StoreService store = new StoreService(config.economy(), etcd, json, notifications, codec, scheduler);
        store.start().join();
        ServiceMetrics.bindStore(meters, store.counters());

        GuestTokens guests = new GuestTokens(config.auth().guest(), clock);
        PlayerTokenVerifier players = PlayerTokenVerifier.create(config.auth().jwt(), clock);
        EventRegistry.Builder registry = EventRegistry.builder();
        Ping.register(registry, clock);
        TokenRefresh.register(registry, players);
        rooms.register(registry);
        messaging.register(registry);
        store.register(registry);
        List<ConnectionListener> serviceListeners = List.of(rooms, messaging);
        // Kicks travel on the users' notification keys: session control acts on them, the rest goes to messaging.
        SessionControl sessionControl = new SessionControl(directory, notifications, sessions, messaging);
        UserWatches users = new UserWatches(etcd, watchStream, sessionControl);
        rooms.onRoomsChanged(connection -> directory.roomsChanged(connection.sessionId()));
        closeInReverse.add(users);
        meterWatches(meters, rooms, users, watchStream);
        Optional<HttpEndpoint> admin = config.admin().enabled()
                ? Optional.of(new AdminApi(config.admin(), rooms, messaging, store, sessionControl, codec))
                : Optional.empty();

        Compactor compactor = new Compactor(etcd, config.etcd().compactionInterval(), scheduler);
        compactor.start();
        closeInReverse.add(compactor);

        List<ConnectionListener> listeners = List.of(new SessionTracker(directory, users, nodeId, clock,
                serviceListeners, messaging::deliverInbox, rooms::roomsOf));
        OpsEndpoints ops = new OpsEndpoints(etcd::ready, () -> false, meters::scrape);
        server = new GameServer(config, registry.build(), codec, sessions, transportMetrics, players, guests,
                listeners, ops, admin, clock);
        closeInReverse.add(server);
        address = server.start();
        LOG.info("node {} ready on port {} (etcd {})", nodeId, address.getPort(), config.etcd().endpoints());
    }

    private static void meterWatches(MeterRegistry meters, RoomService rooms, UserWatches users,
                                     SharedWatchStream stream) {
        String events = "gamestate.watch.events";
        String what = "events this node received from its etcd watches, by kind";
        FunctionCounter.builder(events, rooms, RoomService::roomEventsReceived).tag("kind", "room")
                .description(what).register(meters);
        FunctionCounter.builder(events, users, UserWatches::notificationsReceived).tag("kind", "user")
                .description(what).register(meters);
        FunctionCounter.builder(events, users, UserWatches::inboxMessagesReceived).tag("kind", "inbox")
                .description(what).register(meters);
        // Two per room with subscribers here, lingering ones included (its log and, with presence, its
        // subscriber records), two per user with sessions here.
        Gauge.builder("gamestate.watches", stream, SharedWatchStream::liveWatches)
                .description("etcd watches this node holds").register(meters);
    }

    private static void meterPresence(MeterRegistry meters, PresenceCounters presence) {
        FunctionCounter.builder("gamestate.presence.records.written", presence, PresenceCounters::recordsWritten)
                .description("subscriber records this node wrote listing their room's members (no extra writes:"
                        + " each is one of its coalesced count writes)").register(meters);
        FunctionCounter.builder("gamestate.watch.events", presence, PresenceCounters::recordsReceived)
                .tag("kind", "presence").description("events this node received from its etcd watches, by kind")
                .register(meters);
        FunctionCounter.builder("gamestate.presence.events", presence, PresenceCounters::events)
                .description("presence events pushed: one per room per change, to its subscribers here")
                .register(meters);
        FunctionCounter.builder("gamestate.presence.pushes", presence, PresenceCounters::pushes)
                .description("presence event frames queued to connections").register(meters);
        Gauge.builder("gamestate.presence.rooms", presence, PresenceCounters::rooms)
                .description("rooms whose presence this node follows").register(meters);
    }

    private static void meterCommitter(MeterRegistry meters, RoomCommitter committer, SerialExecutor thread) {
        Gauge.builder("gamestate.rooms.pending", committer::pendingAppends)
                .description("room appends waiting for their commit on this node").register(meters);
        Gauge.builder("gamestate.rooms.queued", thread::depth)
                .description("tasks waiting for the room committer's thread").register(meters);
        FunctionCounter.builder("gamestate.rooms.txns", committer, RoomCommitter::transactions)
                .description("room write transactions sent to etcd").register(meters);
        FunctionCounter.builder("gamestate.rooms.events", committer, RoomCommitter::committedEvents)
                .description("room events committed").register(meters);
        FunctionCounter.builder("gamestate.rooms.conflicts", committer, RoomCommitter::conflicts)
                .description("room write transactions that lost a compare to another writer").register(meters);
    }

    private static RoomCommitter.Timings committerTimings(MeterRegistry meters) {
        Timer transactions = Timer.builder("gamestate.rooms.txn")
                .description("room write transactions, from send to etcd's answer")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(meters);
        DistributionSummary batch = DistributionSummary.builder("gamestate.rooms.txn.events")
                .description("room events per write transaction").baseUnit("events")
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(128.0).register(meters);
        Timer appends = Timer.builder("gamestate.rooms.append")
                .description("room appends, from queued on the committer to committed in etcd")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(meters);
        return new RoomCommitter.Timings() {
            @Override
            public void transaction(long nanos, int events) {
                transactions.record(nanos, TimeUnit.NANOSECONDS);
                batch.record(events);
            }

            @Override
            public void append(long nanos) {
                appends.record(nanos, TimeUnit.NANOSECONDS);
            }
        };
    }

    private void awaitEtcd(Etcd etcd) {
        // etcd may still be starting (or the first connection be slow): try for a while, then say
        // plainly that a node without etcd has nothing to serve.
        Duration patience = config.etcd().startupTimeout();
        long deadline = System.nanoTime() + patience.toNanos();
        int attempts = 0;
        while (!etcd.ping().join()) {
            attempts++;
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("etcd at " + config.etcd().endpoints() + " did not answer within "
                        + patience + " (" + attempts + " tries; see etcd.endpoints, etcd.startupTimeout)");
            }
            LOG.info("waiting for etcd at {}", config.etcd().endpoints());
        }
    }

    private static String registration(String nodeId, Clock clock) {
        return "{\"node\":\"" + nodeId + "\",\"startedAt\":\"" + WireCodec.TIMESTAMP.format(clock.instant()) + "\"}";
    }

    /** The address the server is bound to. */
    public InetSocketAddress address() {
        return address;
    }

    /** The node's configuration. */
    public GameConfig config() {
        return config;
    }

    /**
     * Shuts down within {@code server.shutdownTimeout}: stop accepting, close sockets with 1001,
     * release the lease (so the node's sessions leave etcd at once), then close the rest.
     */
    @Override
    public synchronized void close() {
        Duration budget = config.server().shutdownTimeout();
        if (server != null) {
            server.drain(budget.dividedBy(2));
        }
        for (int i = closeInReverse.size() - 1; i >= 0; i--) {
            try {
                closeInReverse.get(i).close();
            } catch (Exception e) {
                LOG.warn("shutting down, a part failed to close ({}); the node exits anyway. Session records it could"
                        + " not delete leave etcd with the node's lease (etcd.leaseTtl)", e.toString());
            }
        }
        closeInReverse.clear();
        server = null;
    }
}
