package dev.gamestate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Who is connected where, as etcd shows it: session records and node registrations. */
class SessionMetadataIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ETCD_WAIT = Duration.ofSeconds(10);

    static Map<String, String> env;
    static String prefix;
    static TestNode node;
    static Client etcd;

    @BeforeAll
    static void startNode() {
        env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_SERVER_NODE_ID", "meta-node-1");
        prefix = env.get("GAMESTATE_ETCD_KEY_PREFIX");
        node = TestNode.start(env);
        etcd = ETCD.newClient();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void aConnectedPlayerHasASessionRecordInEtcdThatGoesWhenItDisconnects() {
        String key;
        try (WsClient player = WsClient.connect(node.privateWs(),
                Map.of("Authorization", "Bearer " + node.token("dora")))) {
            JsonNode welcome = player.awaitType("welcome").path("payload");
            String sessionId = welcome.path("sessionId").asText();
            key = prefix + "sessions/private/dora/" + sessionId;

            await().atMost(ETCD_WAIT).until(() -> get(key).size() == 1);
            JsonNode record = json(get(key).get(0));
            assertThat(record.path("sessionId").asText()).isEqualTo(sessionId);
            assertThat(record.path("userId").asText()).isEqualTo("dora");
            assertThat(record.path("namespace").asText()).isEqualToIgnoringCase("private");
            assertThat(record.path("node").asText()).isEqualTo("meta-node-1");
            assertThat(Instant.parse(record.path("connectedAt").asText()))
                    .isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
            assertThat(get(key).get(0).getLease()).as("the session lives under the node's lease").isNotZero();
        }

        await().atMost(ETCD_WAIT).until(() -> get(key).isEmpty());
    }

    @Test
    void aGuestSessionIsRecordedUnderTheGuestNamespace() {
        try (WsClient guest = WsClient.connect(node.publicWs(), Map.of())) {
            JsonNode welcome = guest.awaitType("welcome").path("payload");
            String key = prefix + "sessions/guest/" + welcome.path("userId").asText() + "/"
                    + welcome.path("sessionId").asText();

            await().atMost(ETCD_WAIT).until(() -> get(key).size() == 1);
            assertThat(json(get(key).get(0)).path("userId").asText()).isEqualTo(welcome.path("userId").asText());
        }
    }

    @Test
    void aSessionRecordNamesItsNamespaceAsClientsAndKeysDo() {
        try (WsClient player = node.player("nina"); WsClient guest = WsClient.connect(node.publicWs(), Map.of())) {
            String guestId = guest.awaitType("welcome").path("payload").path("userId").asText();
            String playerSessions = prefix + "sessions/private/nina/";
            String guestSessions = prefix + "sessions/guest/" + guestId + "/";
            await().atMost(ETCD_WAIT).until(() -> getPrefix(playerSessions).size() == 1
                    && getPrefix(guestSessions).size() == 1);

            assertThat(json(getPrefix(playerSessions).get(0)).path("namespace").asText()).isEqualTo("private");
            assertThat(json(getPrefix(guestSessions).get(0)).path("namespace").asText()).isEqualTo("guest");
        }
    }

    @Test
    void twoConnectionsOfOneUserAreTwoRecords() {
        try (WsClient first = node.player("erin"); WsClient second = node.player("erin")) {
            String userSessions = prefix + "sessions/private/erin/";

            await().atMost(ETCD_WAIT).until(() -> getPrefix(userSessions).size() == 2);
        }
        await().atMost(ETCD_WAIT).until(() -> getPrefix(prefix + "sessions/private/erin/").isEmpty());
    }

    @Test
    void theNodeIsRegisteredWhileRunning() {
        List<KeyValue> registration = get(prefix + "nodes/meta-node-1");

        assertThat(registration).hasSize(1);
        assertThat(registration.get(0).getLease()).isNotZero();
        assertThat(json(registration.get(0)).path("node").asText()).isEqualTo("meta-node-1");
    }

    @Test
    void closingANodeRevokesItsLeaseSoItsRegistrationAndSessionsVanishAtOnce() {
        Map<String, String> otherEnv = TestNode.baseEnv(ETCD.endpointsCsv());
        otherEnv.put("GAMESTATE_SERVER_NODE_ID", "meta-node-2");
        otherEnv.put("GAMESTATE_ETCD_LEASE_TTL", "60s");
        String otherPrefix = otherEnv.get("GAMESTATE_ETCD_KEY_PREFIX");
        TestNode other = TestNode.start(otherEnv);
        try (WsClient player = other.player("frank")) {
            await().atMost(ETCD_WAIT).until(() -> getPrefix(otherPrefix + "sessions/private/frank/").size() == 1);
            assertThat(get(otherPrefix + "nodes/meta-node-2")).hasSize(1);

            other.close();

            // A 60 s lease cannot have expired by now: the keys are gone because close() revoked it.
            assertThat(get(otherPrefix + "nodes/meta-node-2")).isEmpty();
            assertThat(getPrefix(otherPrefix + "sessions/")).isEmpty();
        } finally {
            other.close();
        }
    }

    private static List<KeyValue> get(String key) {
        return read(key, GetOption.DEFAULT);
    }

    private static List<KeyValue> getPrefix(String keyPrefix) {
        return read(keyPrefix, GetOption.builder().isPrefix(true).build());
    }

    private static List<KeyValue> read(String key, GetOption option) {
        try {
            return etcd.getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8), option)
                    .get(ETCD_WAIT.toMillis(), TimeUnit.MILLISECONDS).getKvs();
        } catch (Exception e) {
            throw new AssertionError("etcd read of " + key + " failed", e);
        }
    }

    private static JsonNode json(KeyValue kv) {
        try {
            return JSON.readTree(kv.getValue().toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
