package dev.gamestate.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.core.Names;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/** Binds the raw tree into {@link GameConfig} and checks every value. */
final class ConfigBinder {

    private static final Duration MILLI = Duration.ofMillis(1);
    private static final Duration YEAR = Duration.ofDays(366);
    private static final int MIN_SECRET_BYTES = 32;
    private static final Pattern NODE_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$");
    // etcd refuses requests over 1.5 MiB; a frame or a room state must fit with room to spare.
    private static final int MAX_VALUE_BYTES = 1024 * 1024;

    private final ConfigReader root;

    ConfigBinder(JsonNode tree) {
        this.root = new ConfigReader(tree, "");
    }

    GameConfig bind() {
        return new GameConfig(server(), etcd(), auth(), limits(), namespaces(), rooms(), messaging(), economy(), admin(), log());
    }

    private GameConfig.Server server() {
        ConfigReader r = root.at("server");
        String nodeId = r.optionalString("nodeId").orElseGet(ConfigBinder::generatedNodeId);
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new ConfigException(r.key("nodeId"), "must match " + NODE_ID.pattern() + ", got '" + nodeId + "'");
        }
        List<String> origins = r.stringList("allowedOrigins");
        for (String origin : origins) {
            if (!origin.matches("^https?://[^/\\s]+$")) {
                throw new ConfigException(r.key("allowedOrigins"),
                        "each origin is scheme://host[:port] with no path, got '" + origin + "'");
            }
        }
        return new GameConfig.Server(
                r.string("host"),
                r.intValue("port", 0, 65535),
                r.intValue("maxPendingHandshakes", 1, 1_000_000),
                r.duration("handshakeTimeout", Duration.ofMillis(100), Duration.ofMinutes(5)),
                origins,
                r.duration("shutdownTimeout", MILLI, Duration.ofMinutes(10)),
                nodeId,
                r.intValue("ioThreads", 0, 1024),
                r.duration("flushInterval", Duration.ZERO, Duration.ofMillis(100)),
                r.duration("maxFlushInterval", Duration.ZERO, Duration.ofMillis(100)),
                r.intValue("flushesPerSecond", 1, 100_000_000));
    }

    private static String generatedNodeId() {
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        return "node-" + HexFormat.of().formatHex(random);
    }

    private GameConfig.Etcd etcd() {
        ConfigReader r = root.at("etcd");
        List<String> endpoints = r.stringList("endpoints");
        if (endpoints.isEmpty()) {
            throw new ConfigException(r.key("endpoints"),
                    "at least one endpoint is required (./gamestate run starts a local etcd when none is set)");
        }
        for (String endpoint : endpoints) {
            try {
                URI uri = new URI(endpoint);
                if (uri.getScheme() == null || uri.getHost() == null || uri.getPort() < 0
                        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                    throw new ConfigException(r.key("endpoints"),
                            "each endpoint is http(s)://host:port, got '" + endpoint + "'");
                }
            } catch (java.net.URISyntaxException e) {
                throw new ConfigException(r.key("endpoints"), "not a URL: '" + endpoint + "'");
            }
        }
        String prefix = r.string("keyPrefix");
        if (!prefix.startsWith("/") || !prefix.endsWith("/") || prefix.length() < 2) {
            throw new ConfigException(r.key("keyPrefix"), "must start and end with '/', e.g. /gamestate/, got '" + prefix + "'");
        }
        Duration timeout = r.duration("requestTimeout", Duration.ofMillis(100), Duration.ofMinutes(5));
        Duration startup = r.duration("startupTimeout", Duration.ofMillis(100), Duration.ofHours(1));
        Duration leaseTtl = r.duration("leaseTtl", Duration.ofSeconds(2), Duration.ofHours(1));
        if (leaseTtl.toMillis() % 1000 != 0) {
            throw new ConfigException(r.key("leaseTtl"), "etcd leases count whole seconds");
        }
        Duration compaction = r.duration("compactionInterval", Duration.ZERO, Duration.ofDays(7));
        if (!compaction.isZero() && compaction.compareTo(Duration.ofSeconds(10)) < 0) {
            throw new ConfigException(r.key("compactionInterval"), "must be 0s (off) or at least 10s");
        }
        Optional<String> user = r.optionalString("user");
        Optional<Secret> password = r.optionalString("password").map(Secret::new);
        if (user.isPresent() != password.isPresent()) {
            throw new ConfigException(r.key(user.isPresent() ? "password" : "user"), "user and password go together");
        }
        return new GameConfig.Etcd(endpoints, prefix, timeout, startup, leaseTtl, compaction, user, password, etcdTls(r.at("tls")));
    }

    private static Optional<GameConfig.EtcdTls> etcdTls(ConfigReader r) {
        Optional<Path> ca = readableFile(r, "caFile");
        Optional<Path> cert = readableFile(r, "certFile");
        Optional<Path> key = readableFile(r, "keyFile");
        if (cert.isPresent() != key.isPresent()) {
            throw new ConfigException(r.key(cert.isPresent() ? "keyFile" : "certFile"), "certFile and keyFile go together");
        }
        if (ca.isEmpty()) {
            if (cert.isPresent()) {
                throw new ConfigException(r.key("caFile"), "is required when a client certificate is set");
            }
            return Optional.empty();
        }
        return Optional.of(new GameConfig.EtcdTls(ca.get(), cert, key));
    }

    private static Optional<Path> readableFile(ConfigReader r, String name) {
        Optional<Path> path = r.optionalString(name).map(Path::of);
        path.ifPresent(p -> {
            if (!Files.isReadable(p)) {
                throw new ConfigException(r.key(name), "cannot read " + p);
            }
        });
        return path;
    }

    private GameConfig.Auth auth() {
        return new GameConfig.Auth(jwt(), guest());
    }

    GameConfig.Jwt jwt() {
        ConfigReader jwt = root.at("auth").at("jwt");
        Optional<Secret> hmac = jwt.optionalString("hmacSecret").map(Secret::new);
        hmac.ifPresent(s -> requireSecretLength(jwt.key("hmacSecret"), s));
        Optional<Path> jwks = jwt.optionalString("jwksFile").map(Path::of);
        jwks.ifPresent(p -> {
            if (!Files.isReadable(p)) {
                throw new ConfigException(jwt.key("jwksFile"), "cannot read " + p);
            }
        });
        if (hmac.isEmpty() && jwks.isEmpty()) {
            throw new ConfigException("auth.jwt", "set hmacSecret (HS256) or jwksFile (RS256/ES256) so players can sign in");
        }
        return new GameConfig.Jwt(hmac, jwks, jwt.optionalString("issuer"),
                jwt.optionalString("audience"), jwt.duration("clockSkew", Duration.ZERO, Duration.ofMinutes(10)));
    }

    private GameConfig.Guest guest() {
        ConfigReader guest = root.at("auth").at("guest");
        Secret guestSecret = guest.optionalString("tokenSecret").map(Secret::new).orElseThrow(() ->
                new ConfigException(guest.key("tokenSecret"), "is missing (at least 32 bytes; the same on every node)"));
        requireSecretLength(guest.key("tokenSecret"), guestSecret);
        return new GameConfig.Guest(guestSecret, guest.duration("tokenTtl", Duration.ofMinutes(1), Duration.ofDays(3660)));
    }

    private static void requireSecretLength(String key, Secret secret) {
        if (secret.value().getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new ConfigException(key, "must be at least " + MIN_SECRET_BYTES + " bytes");
        }
    }

    private GameConfig.Limits limits() {
        ConfigReader r = root.at("limits");
        return new GameConfig.Limits(
                r.intValue("maxFrameBytes", 256, MAX_VALUE_BYTES),
                r.intValue("messagesPerSecond", 1, 100_000),
                r.intValue("maxViolations", 1, 1_000_000),
                r.intValue("outboundBufferBytes", 4096, 1 << 30),
                r.intValue("maxSubscriptionsPerSession", 1, 10_000));
    }

    private GameConfig.Namespaces namespaces() {
        ConfigReader r = root.at("namespaces");
        return new GameConfig.Namespaces(policy(r.at("private")), policy(r.at("guest")));
    }

    private static GameConfig.NamespacePolicy policy(ConfigReader r) {
        return new GameConfig.NamespacePolicy(r.bool("allowBroadcast"), r.bool("allowDirectMessages"));
    }

    private GameConfig.Rooms rooms() {
        ConfigReader r = root.at("rooms");
        int maxEventBytes = r.intValue("maxEventBytes", 256, MAX_VALUE_BYTES);
        long maxHistoryBytes = r.integer("maxHistoryBytes", 1024, 1L << 30);
        if (maxHistoryBytes < 2L * maxEventBytes) {
            throw new ConfigException(r.key("maxHistoryBytes"), "must be at least twice rooms.maxEventBytes ("
                    + maxEventBytes + "), got " + maxHistoryBytes);
        }
        return new GameConfig.Rooms(
                r.intValue("historySize", 1, 100_000),
                r.duration("historyTtl", Duration.ofSeconds(1), Duration.ofDays(30)),
                r.intValue("maxStateBytes", 2, MAX_VALUE_BYTES),
                r.intValue("maxPendingWrites", 1, 100_000),
                maxEventBytes,
                maxHistoryBytes);
    }

    private GameConfig.Messaging messaging() {
        ConfigReader r = root.at("messaging");
        return new GameConfig.Messaging(
                r.duration("inboxTtl", Duration.ofSeconds(1), YEAR),
                r.intValue("inboxMaxMessages", 1, 10_000),
                r.intValue("maxTextLength", 1, 100_000));
    }

    private GameConfig.Economy economy() {
        ConfigReader r = root.at("economy");
        JsonNode balanceNode = r.node("startingBalance");
        if (!balanceNode.isObject()) {
            throw new ConfigException(r.key("startingBalance"), "expected a map of currency to amount");
        }
        Map<String, Long> balance = new LinkedHashMap<>();
        ConfigReader balances = r.at("startingBalance");
        balanceNode.fieldNames().forEachRemaining(currency -> {
            requireCurrency(balances.key(currency), currency);
            balance.put(currency, balances.integer(currency, 0, Long.MAX_VALUE / 4));
        });

        JsonNode catalogNode = r.node("catalog");
        if (!catalogNode.isArray()) {
            throw new ConfigException(r.key("catalog"), "expected a list of goods");
        }
        List<GameConfig.Good> catalog = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < catalogNode.size(); i++) {
            ConfigReader g = r.at("catalog").at(Integer.toString(i));
            String id = g.string("id");
            if (!Names.isValidId(id)) {
                throw new ConfigException(g.key("id"), "must match ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$, got '" + id + "'");
            }
            if (!ids.add(id)) {
                throw new ConfigException(g.key("id"), "duplicate good id '" + id + "'");
            }
            String currency = g.string("currency");
            requireCurrency(g.key("currency"), currency);
            JsonNode item = catalogNode.get(i);
            OptionalLong stock = item.hasNonNull("stock")
                    ? OptionalLong.of(g.integer("stock", 0, Long.MAX_VALUE / 4)) : OptionalLong.empty();
            OptionalInt maxPerUser = item.hasNonNull("maxPerUser")
                    ? OptionalInt.of(g.intValue("maxPerUser", 1, Integer.MAX_VALUE)) : OptionalInt.empty();
            catalog.add(new GameConfig.Good(id, g.string("name"), g.integer("price", 0, Long.MAX_VALUE / 4),
                    currency, stock, maxPerUser));
        }
        return new GameConfig.Economy(Map.copyOf(balance), List.copyOf(catalog));
    }

    private static void requireCurrency(String key, String currency) {
        if (!Names.isCurrency(currency)) {
            throw new ConfigException(key, "a currency matches " + Names.currencyRule() + ", got '" + currency + "'");
        }
    }

    private GameConfig.Log log() {
        ConfigReader r = root.at("log");
        String level = r.string("level").toUpperCase(java.util.Locale.ROOT);
        if (!Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(level)) {
            throw new ConfigException(r.key("level"), "expected TRACE, DEBUG, INFO, WARN or ERROR, got '" + level + "'");
        }
        return new GameConfig.Log(level);
    }

    private GameConfig.Admin admin() {
        return new GameConfig.Admin(root.at("admin").stringList("apiKeys").stream().map(Secret::new).toList());
    }
}
