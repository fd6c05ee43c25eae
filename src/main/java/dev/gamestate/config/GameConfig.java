package dev.gamestate.config;

import dev.gamestate.core.Namespace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** The whole, validated, immutable server configuration. Built by {@link ConfigLoader} only. */
public record GameConfig(
        Server server,
        Etcd etcd,
        Auth auth,
        Limits limits,
        Namespaces namespaces,
        Rooms rooms,
        Messaging messaging,
        Economy economy,
        Admin admin,
        Log log) {

    /** The HTTP / WebSocket listener and the node's identity. */
    public record Server(
            String host,
            int port,
            int maxPendingHandshakes,
            Duration handshakeTimeout,
            List<String> allowedOrigins,
            Duration shutdownTimeout,
            String nodeId,
            int ioThreads,
            Duration flushInterval,
            Duration maxFlushInterval,
            int flushesPerSecond) {
    }

    /** How the node reaches etcd and where its keys live. */
    public record Etcd(
            List<String> endpoints,
            String keyPrefix,
            Duration requestTimeout,
            Duration startupTimeout,
            Duration leaseTtl,
            Duration compactionInterval,
            Optional<String> user,
            Optional<Secret> password,
            Optional<EtcdTls> tls) {
    }

    /** TLS towards etcd: the CA that signs etcd's certificate, and optionally a client certificate. */
    public record EtcdTls(Path caFile, Optional<Path> certFile, Optional<Path> keyFile) {
    }

    /** Token verification for both namespaces. */
    public record Auth(Jwt jwt, Guest guest) {
    }

    /** Player JWTs on the private path. */
    public record Jwt(
            Optional<Secret> hmacSecret,
            Optional<Path> jwksFile,
            Optional<String> issuer,
            Optional<String> audience,
            Duration clockSkew) {
    }

    /** Signed guest tokens that let a guest keep its id across reconnects. */
    public record Guest(Secret tokenSecret, Duration tokenTtl) {
    }

    /** Per-connection limits. */
    public record Limits(
            int maxFrameBytes,
            int messagesPerSecond,
            int maxViolations,
            int outboundBufferBytes,
            int maxSubscriptionsPerSession) {
    }

    /** What each namespace may do. */
    public record Namespaces(NamespacePolicy privatePolicy, NamespacePolicy guestPolicy) {

        /** The policy of {@code namespace}. */
        public NamespacePolicy of(Namespace namespace) {
            return namespace == Namespace.PRIVATE ? privatePolicy : guestPolicy;
        }
    }

    /** Permissions of one namespace. */
    public record NamespacePolicy(boolean allowBroadcast, boolean allowDirectMessages) {
    }

    /**
     * Room state and history bounds.
     *
     * @param historySize      events one room's history keeps at most
     * @param historyTtl       how long an event stays in the history
     * @param maxStateBytes    the largest room state, as stored JSON
     * @param maxPendingWrites appends to one room that may wait on one node
     * @param maxEventBytes    the largest room event, as its stored frame
     * @param maxHistoryBytes  the most bytes of events one room's history keeps
     */
    public record Rooms(int historySize, Duration historyTtl, int maxStateBytes, int maxPendingWrites,
                        int maxEventBytes, long maxHistoryBytes) {
    }

    /** Chat and inbox bounds. */
    public record Messaging(Duration inboxTtl, int inboxMaxMessages, int maxTextLength) {
    }

    /** The catalog and the wallets. */
    public record Economy(Map<String, Long> startingBalance, List<Good> catalog) {
    }

    /** One catalog entry as configured. */
    public record Good(
            String id,
            String name,
            long price,
            String currency,
            OptionalLong stock,
            OptionalInt maxPerUser) {
    }

    /** Logging. */
    public record Log(String level) {
    }

    /** The server-to-server API. */
    public record Admin(List<Secret> apiKeys) {

        /** True when at least one key is configured. */
        public boolean enabled() {
            return !apiKeys.isEmpty();
        }
    }
}
