package dev.gamestate.testing;

import dev.gamestate.app.GameNode;
import dev.gamestate.auth.DevTokens;
import dev.gamestate.config.ConfigSource;
import dev.gamestate.config.GameConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A whole gamestate node running in the test's JVM on a free port, against a real etcd, configured
 * the way an operator would: through {@code GAMESTATE_*} variables.
 */
public final class TestNode implements AutoCloseable {

    /** The HS256 secret test nodes share. */
    public static final String JWT_SECRET = "test-jwt-secret-0123456789-0123456789-abcdef";
    /** The guest token secret test nodes share. */
    public static final String GUEST_SECRET = "test-guest-secret-0123456789-0123456789-abcdef";

    private final GameNode node;

    private TestNode(GameNode node) {
        this.node = node;
    }

    /** The variables of a node on {@code etcdEndpoints} under a fresh key prefix, on a free port. */
    public static Map<String, String> baseEnv(String etcdEndpoints) {
        Map<String, String> env = new HashMap<>();
        env.put("GAMESTATE_ETCD_ENDPOINTS", etcdEndpoints);
        env.put("GAMESTATE_ETCD_KEY_PREFIX", "/t-" + UUID.randomUUID().toString().substring(0, 8) + "/");
        env.put("GAMESTATE_SERVER_HOST", "127.0.0.1");
        env.put("GAMESTATE_SERVER_PORT", "0");
        env.put("GAMESTATE_SERVER_SHUTDOWN_TIMEOUT", "5s");
        env.put("GAMESTATE_AUTH_JWT_HMAC_SECRET", JWT_SECRET);
        env.put("GAMESTATE_AUTH_GUEST_TOKEN_SECRET", GUEST_SECRET);
        env.put("GAMESTATE_ETCD_LEASE_TTL", "3s");
        env.put("GAMESTATE_ETCD_REQUEST_TIMEOUT", "2s");
        // One clock for server and tokens: no skew, so a token closes its socket right at exp.
        env.put("GAMESTATE_AUTH_JWT_CLOCK_SKEW", "0s");
        return env;
    }

    /** Starts a node configured by {@code env} (start from {@link #baseEnv}). */
    public static TestNode start(Map<String, String> env) {
        GameConfig config = ConfigSource.load(Optional.empty(), env).bind();
        return new TestNode(GameNode.start(config));
    }

    /** Starts a node on {@code etcdEndpoints} with the base settings. */
    public static TestNode start(String etcdEndpoints) {
        return start(baseEnv(etcdEndpoints));
    }

    /** Starts a node configured by {@code env} with {@code nodeId} as its {@code server.nodeId}. */
    public static TestNode start(Map<String, String> env, String nodeId) {
        Map<String, String> own = new HashMap<>(env);
        own.put("GAMESTATE_SERVER_NODE_ID", nodeId);
        return start(own);
    }

    /**
     * An admin API call: {@code method} on {@code /core/game/v1/admin/<path>} with {@code key} as the
     * bearer (none when empty) and {@code body} (none when empty).
     */
    public HttpProbe.Answer admin(String key, String method, String path, String body) {
        return HttpProbe.send(method, http("/core/game/v1/admin/" + path),
                key.isEmpty() ? Map.of() : Map.of("Authorization", "Bearer " + key), body);
    }

    /** The running node. */
    public GameNode node() {
        return node;
    }

    /** The bound port. */
    public int port() {
        return node.address().getPort();
    }

    /** {@code ws://127.0.0.1:<port><path>}. */
    public URI ws(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port() + pathAndQuery);
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public URI http(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    /** The private endpoint. */
    public URI privateWs() {
        return ws("/core/game/v1/real-time/private");
    }

    /** The guest endpoint. */
    public URI publicWs() {
        return ws("/core/game/v1/real-time/public");
    }

    /** A valid player token for {@code userId}, an hour long. */
    public String token(String userId) {
        return token(userId, Duration.ofHours(1));
    }

    /** A valid player token for {@code userId} that lasts {@code ttl}. */
    public String token(String userId, Duration ttl) {
        GameConfig.Jwt jwt = node.config().auth().jwt();
        return DevTokens.mint(jwt, userId, ttl, Clock.systemUTC());
    }

    /** A valid player token for {@code userId}, an hour long, whose {@code rooms} claim names {@code rooms}. */
    public String token(String userId, List<String> rooms) {
        return DevTokens.mint(node.config().auth().jwt(), userId, Duration.ofHours(1), rooms, Clock.systemUTC());
    }

    /** A player connection for {@code userId} whose token names {@code rooms}, past its {@code welcome}. */
    public WsClient player(String userId, List<String> rooms) {
        WsClient client = WsClient.connect(privateWs(), Map.of("Authorization", "Bearer " + token(userId, rooms)));
        client.awaitType("welcome");
        return client;
    }

    /** A player connection for {@code userId}, past its {@code welcome}. */
    public WsClient player(String userId) {
        WsClient client = WsClient.connect(privateWs(), Map.of("Authorization", "Bearer " + token(userId)));
        client.awaitType("welcome");
        return client;
    }

    /** A guest connection, past its {@code welcome}. */
    public WsClient guest() {
        WsClient client = WsClient.connect(publicWs(), Map.of());
        client.awaitType("welcome");
        return client;
    }

    /**
     * A counter or gauge of the node's {@code /metrics}, the first series of {@code name} whose labels
     * contain {@code label} (such as {@code code="1008"}); 0 when there is none.
     */
    public double metric(String name, String label) {
        String text = HttpProbe.get(http("/metrics")).body();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} (\\S+)$")
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Override
    public void close() {
        node.close();
    }
}
