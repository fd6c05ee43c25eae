package dev.gamestate.transport;

import dev.gamestate.auth.DevTokens;
import dev.gamestate.auth.GuestTokens;
import dev.gamestate.auth.PlayerTokenVerifier;
import dev.gamestate.config.GameConfig;
import dev.gamestate.config.Secret;
import dev.gamestate.core.Namespace;
import dev.gamestate.event.Connection;
import dev.gamestate.event.ConnectionListener;
import dev.gamestate.event.EventRegistry;
import dev.gamestate.protocol.Welcome;
import dev.gamestate.protocol.WireCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The server's whole pipeline ({@link GameServerInitializer}) with everything behind it in memory:
 * {@code ping} as the only request type, HS256 player tokens checked by a real
 * {@link PlayerTokenVerifier} against a secret of its own, guest tokens, and a connection listener
 * that settles each handshake when the test says so. No socket, no etcd: every {@link #connect} is an
 * {@link EmbeddedClient} on a channel of its own, all of them sharing this server's limits, session
 * registry and pending-handshake slots, as the sockets of one node do.
 */
final class EmbeddedServer {

    /** The HS256 secret player tokens are signed with. */
    static final Secret PLAYER_SECRET = new Secret("embedded-player-secret-0123456789abcdef");
    private static final Secret GUEST_SECRET = new Secret("embedded-guest-secret-0123456789abcdef");

    private final Settings settings;
    private final Clock clock = Clock.systemUTC();
    private final SessionRegistry sessions = new SessionRegistry();
    private final TransportMetrics metrics = new TransportMetrics(new SimpleMeterRegistry(), sessions);
    private final PendingHandshakes handshakes;
    private final List<CompletableFuture<Void>> openings = new ArrayList<>();
    private final GameServerInitializer initializer;

    /**
     * What a test may change of the node's configuration; {@link #defaults()} are small enough to
     * reach every limit in a few frames.
     */
    record Settings(int maxFrameBytes, int messagesPerSecond, int maxViolations, int outboundBufferBytes,
                    int maxPendingHandshakes, Duration handshakeTimeout, List<String> allowedOrigins,
                    boolean settleHandshakes, Duration expiryNotice) {

        static Settings defaults() {
            return new Settings(1024, 20, 5, 64 * 1024, 8, Duration.ofSeconds(5), List.of(), true,
                    Duration.ofSeconds(60));
        }

        /** Pushes {@code token_expiring} {@code notice} before a session's token expires; zero: never. */
        Settings expiryNotice(Duration notice) {
            return new Settings(maxFrameBytes, messagesPerSecond, maxViolations, outboundBufferBytes,
                    maxPendingHandshakes, handshakeTimeout, allowedOrigins, settleHandshakes, notice);
        }

        Settings messagesPerSecond(int perSecond, int violations) {
            return new Settings(maxFrameBytes, perSecond, violations, outboundBufferBytes, maxPendingHandshakes,
                    handshakeTimeout, allowedOrigins, settleHandshakes, expiryNotice);
        }

        Settings outboundBufferBytes(int bytes) {
            return new Settings(maxFrameBytes, messagesPerSecond, maxViolations, bytes, maxPendingHandshakes,
                    handshakeTimeout, allowedOrigins, settleHandshakes, expiryNotice);
        }

        Settings allowedOrigins(String... origins) {
            return new Settings(maxFrameBytes, messagesPerSecond, maxViolations, outboundBufferBytes,
                    maxPendingHandshakes, handshakeTimeout, List.of(origins), settleHandshakes, expiryNotice);
        }

        /** {@code max} pending handshakes, none of which settles until {@link #settleHandshakes()}. */
        Settings unsettledHandshakes(int max) {
            return new Settings(maxFrameBytes, messagesPerSecond, maxViolations, outboundBufferBytes, max,
                    handshakeTimeout, allowedOrigins, false, expiryNotice);
        }
    }

    EmbeddedServer() {
        this(Settings.defaults());
    }

    EmbeddedServer(Settings settings) {
        this.settings = settings;
        this.handshakes = new PendingHandshakes(settings.maxPendingHandshakes());
        WireCodec codec = WireCodec.create();
        PlayerTokenVerifier players = PlayerTokenVerifier.create(new GameConfig.Jwt(Optional.of(PLAYER_SECRET),
                Optional.empty(), Optional.empty(), Optional.empty(), Duration.ZERO, settings.expiryNotice()), clock);
        EventRegistry.Builder registry = EventRegistry.builder();
        Ping.register(registry, clock);
        TokenRefresh.register(registry, players);
        RequestDispatcher dispatcher = new RequestDispatcher(codec, registry.build(), metrics, clock);
        Welcome.Limits limits = new Welcome.Limits(settings.maxFrameBytes(), settings.messagesPerSecond(),
                settings.outboundBufferBytes(), 2000, 65536, 16384);
        ConnectionListener listener = new ConnectionListener() {
            @Override
            public CompletableFuture<Void> opening(Connection connection) {
                CompletableFuture<Void> settled = new CompletableFuture<>();
                openings.add(settled);
                if (settings.settleHandshakes()) {
                    settled.complete(null);
                }
                return settled;
            }
        };
        WebSocketFrameHandler.Shared shared = new WebSocketFrameHandler.Shared(codec, dispatcher, sessions,
                List.of(listener), handshakes, metrics, clock, "node-embedded", limits,
                settings.messagesPerSecond(), settings.maxViolations(),
                new OutboundLanes(Duration.ZERO, metrics), settings.outboundBufferBytes(), settings.expiryNotice());
        GuestTokens guests = new GuestTokens(new GameConfig.Guest(GUEST_SECRET, Duration.ofHours(1)), clock);
        OpsEndpoints ops = new OpsEndpoints(() -> CompletableFuture.completedFuture(true), () -> false, () -> "");
        HttpRouter router = new HttpRouter(new UpgradeGate(settings.allowedOrigins(), players, guests),
                handshakes, codec, ops, Optional.empty(), metrics);
        this.initializer = new GameServerInitializer(router, shared, settings.maxFrameBytes(),
                settings.handshakeTimeout());
    }

    /** A new connection to this server, accepted and not yet sending anything. */
    EmbeddedClient connect() {
        return new EmbeddedClient(initializer);
    }

    /** A player's token, valid for an hour. */
    String playerToken(String userId) {
        return DevTokens.mint(PLAYER_SECRET, userId, Duration.ofHours(1), clock);
    }

    /** A player's token, valid for {@code ttl} from now. */
    String playerToken(String userId, Duration ttl) {
        return DevTokens.mint(PLAYER_SECRET, userId, ttl, clock);
    }

    /** A valid token signed with a secret this server does not know. */
    String foreignToken(String userId) {
        return DevTokens.mint(new Secret("a-secret-this-server-does-not-know-0123456789"), userId, Duration.ofHours(1),
                clock);
    }

    /** Session expiry and token_expiring timers armed now, over every session. */
    int sessionTimers() {
        return metrics.sessionTimers();
    }

    /** A player's token that expired an hour ago. */
    String expiredPlayerToken(String userId) {
        return DevTokens.mint(PLAYER_SECRET, userId, Duration.ofMinutes(1), Clock.offset(clock, Duration.ofHours(-1)));
    }

    /** A connection upgraded on the guest endpoint, its {@code welcome} read. */
    EmbeddedClient guest() {
        EmbeddedClient client = connect();
        client.upgrade("/core/game/v1/real-time/public");
        client.awaitType("welcome");
        return client;
    }

    /** Settles every handshake so far (their sessions "recorded"), freeing their slots. */
    void settleHandshakes() {
        openings.forEach(settled -> settled.complete(null));
    }

    /** The session of guest {@code userId} on this server. */
    Connection connectionOf(String userId) {
        List<Connection> connections = sessions.connectionsOf(Namespace.GUEST, userId);
        if (connections.size() != 1) {
            throw new IllegalStateException(userId + " has " + connections.size() + " sessions");
        }
        return connections.get(0);
    }

    /** Sessions open on this server. */
    int sessions() {
        return sessions.size();
    }

    /** Handshakes counted against {@code server.maxPendingHandshakes} now. */
    int pendingHandshakes() {
        return handshakes.pending();
    }

    Settings settings() {
        return settings;
    }
}
