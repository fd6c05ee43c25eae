package dev.gamestate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The three game events end to end: real sockets, two nodes, one etcd. */
class GameFlowIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    static TestNode nodeA;
    static TestNode nodeB;

    @BeforeAll
    static void startNodes() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        nodeA = TestNode.start(env);
        nodeB = TestNode.start(env); // same key prefix: one cluster
    }

    @AfterAll
    static void stopNodes() {
        nodeA.close();
        nodeB.close();
    }

    @Test
    void aBroadcastOnOneNodeReachesSubscribersOnBothInOneOrder() {
        try (WsClient alice = nodeA.player("alice"); WsClient bob = nodeB.player("bob")) {
            JsonNode subscribed = alice.ack("subscribe", "{\"room\":\"flow-1\"}");
            assertThat(subscribed.get("seq").asLong()).isZero();
            bob.ack("subscribe", "{\"room\":\"flow-1\"}");

            JsonNode first = alice.ack("core.game.state.broadcast", "{\"room\":\"flow-1\",\"patch\":{\"hp\":10}}");
            JsonNode second = bob.ack("core.game.state.broadcast", "{\"room\":\"flow-1\",\"patch\":{\"hp\":null,\"mp\":3}}");
            assertThat(second.get("seq").asLong()).isEqualTo(first.get("seq").asLong() + 1);

            for (WsClient c : new WsClient[] {alice, bob}) {
                JsonNode e1 = c.awaitType("core.game.state.broadcast");
                JsonNode e2 = c.awaitType("core.game.state.broadcast");
                assertThat(e1.get("seq").asLong()).isEqualTo(1);
                assertThat(e2.get("seq").asLong()).isEqualTo(2);
                assertThat(e1.get("userId").asText()).isEqualTo("alice");
                assertThat(e2.path("payload").path("patch").path("mp").asInt()).isEqualTo(3);
            }
            try (WsClient carol = nodeB.player("carol")) {
                JsonNode state = carol.ack("subscribe", "{\"room\":\"flow-1\"}");
                assertThat(state.get("seq").asLong()).isEqualTo(2);
                assertThat(state.get("state").toString()).isEqualTo("{\"mp\":3}");
            }
        }
    }

    @Test
    void aDirectMessageCrossesNodesAndAPurchaseReachesTheBuyersOtherSession() {
        try (WsClient dave = nodeA.player("dave"); WsClient erin = nodeB.player("erin");
             WsClient erin2 = nodeA.player("erin")) {
            // welcome goes out before the session's etcd record is committed; a message is "live" once
            // the record exists (before, it waits in the inbox): wait until both nodes settled theirs.
            await().atMost(Duration.ofSeconds(10)).until(() -> nodeA.metric("gamestate_handshakes_pending", "node=") == 0
                    && nodeB.metric("gamestate_handshakes_pending", "node=") == 0);
            JsonNode sent = dave.ack("core.game.state.send_message", "{\"to\":\"erin\",\"text\":\"gg\"}");
            assertThat(sent.get("delivered").asText()).isEqualTo("live");
            assertThat(erin.awaitType("core.game.state.send_message").path("payload").path("text").asText())
                    .isEqualTo("gg");

            JsonNode bought = erin.ack("core.game.state.buy_good",
                    "{\"goodId\":\"potion\",\"quantity\":2,\"requestId\":\"flow-buy-1\"}");
            assertThat(bought.get("replayed").asBoolean()).isFalse();
            JsonNode pushed = erin2.awaitType("core.game.state.buy_good");
            assertThat(pushed.path("payload").path("purchaseId").asText()).isEqualTo(bought.get("purchaseId").asText());
            assertThat(erin2.ack("wallet", "{}").path("inventory").path("potion").asInt()).isEqualTo(2);
        }
    }

    @Test
    void aMessageToAnOfflineUserWaitsInTheInboxUntilTheNextConnection() {
        try (WsClient frank = nodeA.player("frank")) {
            JsonNode sent = frank.ack("core.game.state.send_message", "{\"to\":\"gina\",\"text\":\"later\"}");
            assertThat(sent.get("delivered").asText()).isEqualTo("queued");
        }
        try (WsClient gina = nodeB.player("gina")) {
            assertThat(gina.awaitType("core.game.state.send_message").path("payload").path("text").asText())
                    .isEqualTo("later");
        }
    }

    @Test
    void twentyCopiesOfOneRequestIdOverTwoConnectionsOnTwoNodesMakeOnePurchase() {
        try (WsClient one = nodeA.player("hana"); WsClient two = nodeB.player("hana")) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ids.add("A" + one.send("core.game.state.buy_good", "{\"goodId\":\"shield\",\"requestId\":\"race-1\"}"));
                ids.add("B" + two.send("core.game.state.buy_good", "{\"goodId\":\"shield\",\"requestId\":\"race-1\"}"));
            }
            List<JsonNode> results = ids.stream()
                    .map(id -> (id.startsWith("A") ? one : two).awaitReply(id.substring(1)))
                    .peek(reply -> assertThat(reply.get("type").asText()).as(reply.toString()).isEqualTo("ack"))
                    .map(reply -> reply.get("result")).toList();
            assertThat(results).extracting(r -> r.get("purchaseId").asText()).containsOnly(
                    results.get(0).get("purchaseId").asText());
            assertThat(results).filteredOn(r -> !r.get("replayed").asBoolean()).hasSize(1);
            JsonNode wallet = one.ack("wallet", "{}");
            assertThat(wallet.path("balance").path("gold").asLong()).isEqualTo(1000 - 60);
            assertThat(wallet.path("inventory").path("shield").asInt()).isEqualTo(1);
        }
    }

    @Test
    void fifteenRacingPurchasesOfOneHundredAgainstOneThousandMakeExactlyTen() {
        try (WsClient one = nodeA.player("ivan"); WsClient two = nodeB.player("ivan")) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                WsClient c = i % 2 == 0 ? one : two;
                ids.add((i % 2 == 0 ? "A" : "B")
                        + c.send("core.game.state.buy_good", "{\"goodId\":\"sword\",\"requestId\":\"sword-" + i + "\"}"));
            }
            List<JsonNode> replies = ids.stream()
                    .map(id -> (id.startsWith("A") ? one : two).awaitReply(id.substring(1))).toList();
            assertThat(replies).filteredOn(r -> r.get("type").asText().equals("ack")).hasSize(10);
            assertThat(replies).filteredOn(r -> r.get("type").asText().equals("error"))
                    .extracting(r -> r.path("error").path("code").asText()).containsOnly("insufficient_funds").hasSize(5);
            JsonNode wallet = two.ack("wallet", "{}");
            assertThat(wallet.path("balance").path("gold").asLong()).isZero();
            assertThat(wallet.path("inventory").path("sword").asInt()).isEqualTo(10);
        }
    }
}
