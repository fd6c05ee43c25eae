package dev.gamestate.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.gamestate.core.Names;
import dev.gamestate.core.Namespace;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The whole, validated, immutable server configuration. {@link ConfigSource} binds it from files and the
 * environment; every record checks its own values, so one built in code is refused the same way, with a
 * {@link ConfigException} naming the key.
 */
public record GameConfig(Server server, Etcd etcd, Auth auth, Limits limits, Namespaces namespaces, Rooms rooms,
                         Presence presence, Messaging messaging, Economy economy, Admin admin, Log log) {

    // etcd refuses requests over 1.5 MiB; a frame or a room state must fit with room to spare.
    private static final int MAX_VALUE_BYTES = 1024 * 1024;
    private static final long MAX_AMOUNT = Long.MAX_VALUE / 4;

    /** Refuses a missing section. */
    public GameConfig {
        Check.present("server", server);
        Check.present("etcd", etcd);
        Check.present("auth", auth);
        Check.present("limits", limits);
        Check.present("namespaces", namespaces);
        Check.present("rooms", rooms);
        Check.present("presence", presence);
        Check.present("messaging", messaging);
        Check.present("economy", economy);
        Check.present("admin", admin);
        Check.present("log", log);
    }

    /**
     * The HTTP / WebSocket listener and the node's identity; an empty {@code nodeId} is generated.
     * {@code compression}: permessage-deflate (RFC 7692) for clients that offer it.
     */
    public record Server(String host, int port, int maxPendingHandshakes, Duration handshakeTimeout,
                         List<String> allowedOrigins, Duration shutdownTimeout, String nodeId, int ioThreads,
                         Duration flushInterval, Duration maxFlushInterval, int flushesPerSecond,
                         boolean compression) {

        private static final Pattern NODE_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$");
        private static final Pattern ORIGIN = Pattern.compile("^https?://[^/\\s]+$");

        /** Checks every value. */
        public Server {
            Check.present("server.host", host);
            Check.range("server.port", port, 0, 65535);
            Check.range("server.maxPendingHandshakes", maxPendingHandshakes, 1, 1_000_000);
            Check.range("server.handshakeTimeout", handshakeTimeout, Duration.ofMillis(100), Duration.ofMinutes(5));
            allowedOrigins = Check.list("server.allowedOrigins", allowedOrigins);
            allowedOrigins.forEach(origin -> Check.that(ORIGIN.matcher(origin).matches(), "server.allowedOrigins",
                    "each origin is scheme://host[:port] with no path, got '" + origin + "'"));
            Check.range("server.shutdownTimeout", shutdownTimeout, Duration.ofMillis(1), Duration.ofMinutes(10));
            nodeId = nodeId == null || nodeId.isEmpty() ? generatedNodeId() : nodeId;
            Check.that(NODE_ID.matcher(nodeId).matches(), "server.nodeId",
                    "must match " + NODE_ID.pattern() + ", got '" + nodeId + "'");
            Check.range("server.ioThreads", ioThreads, 0, 1024);
            Check.range("server.flushInterval", flushInterval, Duration.ZERO, Duration.ofMillis(100));
            Check.range("server.maxFlushInterval", maxFlushInterval, Duration.ZERO, Duration.ofMillis(100));
            Check.range("server.flushesPerSecond", flushesPerSecond, 1, 100_000_000);
        }

        private static String generatedNodeId() {
            byte[] random = new byte[4];
            new SecureRandom().nextBytes(random);
            return "node-" + HexFormat.of().formatHex(random);
        }
    }

    /** How the node reaches etcd and where its keys live. */
    public record Etcd(List<String> endpoints, String keyPrefix, Duration requestTimeout, Duration startupTimeout,
                       Duration leaseTtl, Duration compactionInterval, Optional<String> user,
                       Optional<Secret> password, Optional<EtcdTls> tls) {

        /** Checks every value; {@code user} and {@code password} go together. */
        public Etcd {
            endpoints = Check.list("etcd.endpoints", endpoints);
            Check.that(!endpoints.isEmpty(), "etcd.endpoints",
                    "at least one endpoint is required (./gamestate run starts a local etcd when none is set)");
            endpoints.forEach(endpoint -> Check.endpoint("etcd.endpoints", endpoint));
            Check.that(Check.present("etcd.keyPrefix", keyPrefix).matches("^/.*/$"), "etcd.keyPrefix",
                    "must start and end with '/', e.g. /gamestate/, got '" + keyPrefix + "'");
            Check.range("etcd.requestTimeout", requestTimeout, Duration.ofMillis(100), Duration.ofMinutes(5));
            Check.range("etcd.startupTimeout", startupTimeout, Duration.ofMillis(100), Duration.ofHours(1));
            Check.range("etcd.leaseTtl", leaseTtl, Duration.ofSeconds(2), Duration.ofHours(1));
            Check.that(leaseTtl.toMillis() % 1000 == 0, "etcd.leaseTtl", "etcd leases count whole seconds");
            Check.range("etcd.compactionInterval", compactionInterval, Duration.ZERO, Duration.ofDays(7));
            Check.that(compactionInterval.isZero() || compactionInterval.compareTo(Duration.ofSeconds(10)) >= 0,
                    "etcd.compactionInterval", "must be 0s (off) or at least 10s");
            Check.that(Check.present("etcd.user", user).isPresent() == Check.present("etcd.password", password).isPresent(),
                    user.isPresent() ? "etcd.password" : "etcd.user", "user and password go together");
            Check.present("etcd.tls", tls);
        }
    }

    /** TLS towards etcd: the CA that signs etcd's certificate, and optionally a client certificate. */
    public record EtcdTls(Path caFile, Optional<Path> certFile, Optional<Path> keyFile) {

        /** Checks that the files are readable and that a client certificate comes with its key. */
        public EtcdTls {
            Check.that(Check.present("etcd.tls.certFile", certFile).isPresent()
                    == Check.present("etcd.tls.keyFile", keyFile).isPresent(),
                    certFile.isPresent() ? "etcd.tls.keyFile" : "etcd.tls.certFile", "certFile and keyFile go together");
            Check.that(caFile != null, "etcd.tls.caFile", "is required when a client certificate is set");
            Check.readable("etcd.tls.caFile", caFile);
            certFile.ifPresent(file -> Check.readable("etcd.tls.certFile", file));
            keyFile.ifPresent(file -> Check.readable("etcd.tls.keyFile", file));
        }
    }

    /** Token verification for both namespaces. */
    public record Auth(Jwt jwt, Guest guest) {

        /** Refuses a missing section. */
        public Auth {
            Check.present("auth.jwt", jwt);
            Check.present("auth.guest", guest);
        }
    }

    /**
     * Player JWTs on the private path: an HS256 secret, a JWKS file, or both.
     *
     * @param hmacSecret   the HS256 secret
     * @param jwksFile     RS256 / ES256 public keys
     * @param issuer       the {@code iss} a token must carry, when set
     * @param audience     the {@code aud} a token must carry, when set
     * @param clockSkew    tolerated clock difference for {@code exp} and {@code nbf}
     * @param expiryNotice how long before a session's token expires it is told ({@code token_expiring});
     *                     zero: never
     */
    public record Jwt(Optional<Secret> hmacSecret, Optional<Path> jwksFile, Optional<String> issuer,
                      Optional<String> audience, Duration clockSkew, Duration expiryNotice) {

        /** Checks every value; at least one way to verify a token must be set. */
        public Jwt {
            Check.present("auth.jwt.hmacSecret", hmacSecret).ifPresent(s -> Check.secret("auth.jwt.hmacSecret", s));
            Check.present("auth.jwt.jwksFile", jwksFile).ifPresent(file -> Check.readable("auth.jwt.jwksFile", file));
            Check.that(hmacSecret.isPresent() || jwksFile.isPresent(), "auth.jwt",
                    "set hmacSecret (HS256) or jwksFile (RS256/ES256) so players can sign in");
            Check.present("auth.jwt.issuer", issuer);
            Check.present("auth.jwt.audience", audience);
            Check.range("auth.jwt.clockSkew", clockSkew, Duration.ZERO, Duration.ofMinutes(10));
            Check.range("auth.jwt.expiryNotice", expiryNotice, Duration.ZERO, Duration.ofHours(1));
        }
    }

    /** Signed guest tokens that let a guest keep its id across reconnects. */
    public record Guest(Secret tokenSecret, Duration tokenTtl) {

        /** Checks both values. */
        public Guest {
            Check.that(tokenSecret != null, "auth.guest.tokenSecret",
                    "is missing (at least 32 bytes; the same on every node)");
            Check.secret("auth.guest.tokenSecret", tokenSecret);
            Check.range("auth.guest.tokenTtl", tokenTtl, Duration.ofMinutes(1), Duration.ofDays(3660));
        }
    }

    /** Per-connection limits. */
    public record Limits(int maxFrameBytes, int messagesPerSecond, int maxViolations, int outboundBufferBytes,
                         int maxSubscriptionsPerSession) {

        /** Checks every value. */
        public Limits {
            Check.range("limits.maxFrameBytes", maxFrameBytes, 256, MAX_VALUE_BYTES);
            Check.range("limits.messagesPerSecond", messagesPerSecond, 1, 100_000);
            Check.range("limits.maxViolations", maxViolations, 1, 1_000_000);
            Check.range("limits.outboundBufferBytes", outboundBufferBytes, 4096, 1 << 30);
            Check.range("limits.maxSubscriptionsPerSession", maxSubscriptionsPerSession, 1, 10_000);
        }
    }

    /** What each namespace may do; bound from the keys {@code private} and {@code guest}. */
    public record Namespaces(
            @JsonProperty("private") NamespacePolicy privatePolicy,
            @JsonProperty("guest") NamespacePolicy guestPolicy) {

        /** Refuses a missing policy. */
        public Namespaces {
            Check.present("namespaces.private", privatePolicy);
            Check.present("namespaces.guest", guestPolicy);
        }

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
     * @param maxHistoryBytes  the most bytes of events one room's history keeps, at least twice maxEventBytes
     * @param policies         who may do what in which rooms, first match wins ({@link RoomPolicy})
     */
    public record Rooms(int historySize, Duration historyTtl, int maxStateBytes, int maxPendingWrites,
                        int maxEventBytes, long maxHistoryBytes, List<RoomPolicy> policies) {

        /** Checks every value. */
        public Rooms {
            Check.range("rooms.historySize", historySize, 1, 100_000);
            Check.range("rooms.historyTtl", historyTtl, Duration.ofSeconds(1), Duration.ofDays(30));
            Check.range("rooms.maxStateBytes", maxStateBytes, 2, MAX_VALUE_BYTES);
            Check.range("rooms.maxPendingWrites", maxPendingWrites, 1, 100_000);
            Check.range("rooms.maxEventBytes", maxEventBytes, 256, MAX_VALUE_BYTES);
            Check.range("rooms.maxHistoryBytes", maxHistoryBytes, 1024, 1L << 30);
            Check.that(maxHistoryBytes >= 2L * maxEventBytes, "rooms.maxHistoryBytes",
                    "must be at least twice rooms.maxEventBytes (" + maxEventBytes + "), got " + maxHistoryBytes);
            policies = Check.list("rooms.policies", policies);
        }
    }

    /**
     * Who is in a room: member lists and their bounds, for the rooms whose presence is on.
     *
     * @param maxMembers the most users a room's presence lists (also the most one node's record of a
     *                   room names); past it the room's presence is a count only. 0: counts only
     * @param interval   a room's presence changes are gathered and pushed at most once per interval
     */
    public record Presence(int maxMembers, Duration interval) {

        /** Checks both values. */
        public Presence {
            Check.range("presence.maxMembers", maxMembers, 0, 1000);
            Check.range("presence.interval", interval, Duration.ofMillis(10), Duration.ofMinutes(1));
        }
    }

    /** Chat and inbox bounds. */
    public record Messaging(Duration inboxTtl, int inboxMaxMessages, int maxTextLength) {

        /** Checks every value. */
        public Messaging {
            Check.range("messaging.inboxTtl", inboxTtl, Duration.ofSeconds(1), Duration.ofDays(366));
            Check.range("messaging.inboxMaxMessages", inboxMaxMessages, 1, 10_000);
            Check.range("messaging.maxTextLength", maxTextLength, 1, 100_000);
        }
    }

    /** The catalog and the wallets. */
    public record Economy(Map<String, Long> startingBalance, List<Good> catalog) {

        /** Checks every currency and amount, and that good ids are unique. */
        public Economy {
            Check.present("economy.startingBalance", startingBalance).forEach((currency, amount) -> {
                String key = "economy.startingBalance." + currency;
                Check.currency(key, currency);
                Check.range(key, Check.present(key, amount), 0, MAX_AMOUNT);
            });
            startingBalance = Map.copyOf(startingBalance);
            catalog = Check.list("economy.catalog", catalog);
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < catalog.size(); i++) {
                String id = catalog.get(i).id();
                Check.that(ids.add(id), "economy.catalog." + i + ".id", "duplicate good id '" + id + "'");
            }
        }
    }

    /** One catalog entry as configured; its keys read {@code economy.catalog.<index>.<name>}. */
    public record Good(String id, String name, long price, String currency, OptionalLong stock,
                       OptionalInt maxPerUser) {

        /** Checks every value. */
        public Good {
            Check.that(Names.isValidId(Check.present("economy.catalog.id", id)), "economy.catalog.id",
                    "must match ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$, got '" + id + "'");
            Check.present("economy.catalog.name", name);
            Check.range("economy.catalog.price", price, 0, MAX_AMOUNT);
            Check.currency("economy.catalog.currency", Check.present("economy.catalog.currency", currency));
            Check.present("economy.catalog.stock", stock).ifPresent(n -> Check.range("economy.catalog.stock", n, 0, MAX_AMOUNT));
            Check.present("economy.catalog.maxPerUser", maxPerUser)
                    .ifPresent(n -> Check.range("economy.catalog.maxPerUser", n, 1, Integer.MAX_VALUE));
        }
    }

    /**
     * Logging: the level of gamestate's own loggers, upper case, and the format of every line on standard
     * output: {@code text} (one human-readable line) or {@code json} (one JSON object per line).
     */
    public record Log(String level, String format) {

        /** Upper-cases and checks the level; lower-cases and checks the format. */
        public Log {
            level = Check.present("log.level", level).toUpperCase(Locale.ROOT);
            Check.that(Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(level), "log.level",
                    "expected TRACE, DEBUG, INFO, WARN or ERROR, got '" + level + "'");
            format = Check.present("log.format", format).toLowerCase(Locale.ROOT);
            Check.that(Set.of("text", "json").contains(format), "log.format",
                    "expected text or json, got '" + format + "'");
        }

        /** True when lines are to be written as JSON objects. */
        public boolean json() {
            return format.equals("json");
        }
    }

    /** The server-to-server API. */
    public record Admin(List<Secret> apiKeys) {

        /** Refuses a missing list. */
        public Admin {
            apiKeys = Check.list("admin.apiKeys", apiKeys);
        }

        /** True when at least one key is configured. */
        public boolean enabled() {
            return !apiKeys.isEmpty();
        }
    }
}
