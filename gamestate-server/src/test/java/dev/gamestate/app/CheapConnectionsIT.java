package dev.gamestate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.EtcdProcess;
import dev.gamestate.testing.HttpProbe;
import dev.gamestate.testing.RawWebSocket;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connections are cheap for etcd: session records of many connections share transactions, the inbox
 * is read only when it holds something, and past {@code server.maxPendingHandshakes} upgrades are
 * refused before they happen.
 */
class CheapConnectionsIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String GUEST_PATH = "/core/game/v1/real-time/public";

    static Client etcd;

    @BeforeAll
    static void connectEtcd() {
        etcd = ETCD.newClient();
    }

    @AfterAll
    static void closeEtcd() {
        etcd.close();
    }

    private static long count(String prefix) {
        return etcd.getKVClient().get(ByteSequence.from(prefix, StandardCharsets.UTF_8),
                GetOption.builder().isPrefix(true).withCountOnly(true).build()).join().getCount();
    }

    /** A counter or gauge of the node's {@code /metrics}, by name and one label; 0 when absent. */
    private static double metric(TestNode node, String name, String label) {
        String text = HttpProbe.get(node.http("/metrics")).body();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void twoHundredClientsConnectingAtOnceAllGetWelcomeAndShareFewSessionTransactions() throws Exception {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        int clients = 200;
        try (TestNode node = TestNode.start(env);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            double txnsBefore = metric(node, "gamestate_etcd_txns_total", "writer=\"sessions\"");
            List<Future<RawWebSocket>> connecting = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                connecting.add(pool.submit(() -> RawWebSocket.connect(node.port(), GUEST_PATH, Map.of())));
            }
            List<RawWebSocket> sockets = new ArrayList<>();
            try {
                for (Future<RawWebSocket> f : connecting) {
                    sockets.add(f.get());
                }
                for (RawWebSocket socket : sockets) {
                    assertThat(json(socket.readFrame().text()).path("type").asText()).isEqualTo("welcome");
                }
                String sessions = env.get("GAMESTATE_ETCD_KEY_PREFIX") + "sessions/guest/";
                await().atMost(WAIT).until(() -> count(sessions) == clients);
                double txns = metric(node, "gamestate_etcd_txns_total", "writer=\"sessions\"") - txnsBefore;
                double ops = metric(node, "gamestate_etcd_batch_ops_total", "writer=\"sessions\"");
                System.out.printf("CheapConnectionsIT: %d connections, %.0f session Txns, %.0f ops, largest %.0f%n",
                        clients, txns, ops, metric(node, "gamestate_etcd_batch_largest", "writer=\"sessions\""));
                assertThat(txns).as("session Txns for %d connections", clients).isLessThan(clients / 4.0);
                assertThat(metric(node, "gamestate_handshakes_pending", "node=")).isZero();
            } finally {
                sockets.forEach(RawWebSocket::close);
            }
        }
    }

    @Test
    void queuedMessagesAreDeliveredOnConnectExactlyOnceInTheOrderSent() {
        try (TestNode node = TestNode.start(ETCD.endpointsCsv());
             WsClient alice = node.player("alice")) {
            for (String text : List.of("first", "second", "third")) {
                JsonNode sent = alice.ack("core.game.state.send_message",
                        "{\"to\":\"bob\",\"text\":\"" + text + "\"}");
                assertThat(sent.path("delivered").asText()).isEqualTo("queued");
            }

            try (WsClient bob = node.player("bob")) {
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    texts.add(bob.awaitType("core.game.state.send_message").path("payload").path("text").asText());
                }
                assertThat(texts).containsExactly("first", "second", "third");
                String inbox = node.node().config().etcd().keyPrefix() + "stream/inbox/private/bob/";
                await().atMost(WAIT).until(() -> count(inbox) == 0);
                try (WsClient bobAgain = node.player("bob")) {
                    bobAgain.ack("ping", "{}");
                    bob.ack("ping", "{}");
                    assertThat(bobAgain.pending()).noneMatch(f -> f.path("type").asText().startsWith("core."));
                    assertThat(bob.pending()).noneMatch(f -> f.path("type").asText().startsWith("core."));
                }
            }
        }
    }

    @Test
    void theAdminSubscriberCountSumsTheCountKeyOfEveryNode() {
        String key = "admin-key-0123456789-0123456789";
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_ADMIN_API_KEYS", key);
        env.put("GAMESTATE_SERVER_NODE_ID", "count-a");
        Map<String, String> otherEnv = new HashMap<>(env);
        otherEnv.put("GAMESTATE_SERVER_NODE_ID", "count-b");
        try (TestNode a = TestNode.start(env);
             TestNode b = TestNode.start(otherEnv);
             WsClient ann = a.player("ann");
             WsClient ada = a.player("ada");
             WsClient ben = b.player("ben")) {
            for (WsClient client : List.of(ann, ada, ben)) {
                client.ack("subscribe", "{\"room\":\"arena\"}");
            }
            var admin = Map.of("Authorization", "Bearer " + key);
            var room = b.http("/core/game/v1/admin/rooms/private/arena");
            await().atMost(WAIT).until(() -> HttpProbe.get(room, admin).json().path("subscribers").asLong() == 3);
            String prefix = env.get("GAMESTATE_ETCD_KEY_PREFIX") + "subscriptions/private/arena/";
            assertThat(count(prefix)).as("one key per node").isEqualTo(2);

            ada.ack("unsubscribe", "{\"room\":\"arena\"}");
            ben.close();
            await().atMost(WAIT).until(() -> HttpProbe.get(room, admin).json().path("subscribers").asLong() == 1);
            assertThat(count(prefix)).as("a node with no subscriber left deletes its key").isEqualTo(1);
        }
    }

    @Test
    void pastMaxPendingHandshakesAnUpgradeThatWaitedInVainIsRefusedWith503AndRetryAfter() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_SERVER_MAX_PENDING_HANDSHAKES", "1");
        // Longer than an upgrade waits for a slot (3 s): the first handshake stays pending throughout.
        env.put("GAMESTATE_ETCD_REQUEST_TIMEOUT", "6s");
        env.put("GAMESTATE_ETCD_LEASE_TTL", "30s");
        EtcdProcess member = ETCD.cluster().member(0);
        try (TestNode node = TestNode.start(env)) {
            RawWebSocket.Answer refused;
            member.pause(); // the first session's record cannot commit: its handshake stays pending
            try (RawWebSocket first = RawWebSocket.connect(node.port(), GUEST_PATH, Map.of())) {
                assertThat(json(first.readFrame().text()).path("type").asText()).isEqualTo("welcome");
                refused = RawWebSocket.upgradeAnswer(node.port(), GUEST_PATH, Map.of());
            } finally {
                member.resume();
            }

            assertThat(refused.status()).isEqualTo(503);
            assertThat(Integer.parseInt(refused.headers().get("retry-after"))).isBetween(1, 3);
            JsonNode error = json(refused.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("unavailable");
            assertThat(error.path("retryAfterMs").asLong()).isEqualTo(
                    1000L * Integer.parseInt(refused.headers().get("retry-after")));
            assertThat(metric(node, "gamestate_handshakes_refused_total", "node=")).isEqualTo(1);

            await().atMost(WAIT).until(() -> metric(node, "gamestate_handshakes_pending", "node=") == 0);
            try (WsClient later = node.guest()) {
                assertThat(later.ack("ping", "{}").path("serverTime").asText()).isNotEmpty();
            }
        }
    }
}
