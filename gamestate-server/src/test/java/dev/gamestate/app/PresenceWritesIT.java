package dev.gamestate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.state.Keys;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What presence costs etcd, counted in revisions: every revision a burst of subscribes makes is one
 * transaction of the node's subscriber-record writer, each writing the room's one record. Listing the
 * members rides on that record; there is no write per subscriber.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PresenceWritesIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final int PLAYERS = 30;
    private static final String ROOM = "{\"room\":\"arena\"}";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String WRITER = "writer=\"subscriptions\"";
    private static final String SESSIONS = "writer=\"sessions\"";

    @Test
    void aBurstOfSubscribersCostsOnlyTheCoalescedRecordWritesAndTheRecordListsThemAll() throws Exception {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_LIMITS_MESSAGES_PER_SECOND", "1000");
        List<WsClient> players = new ArrayList<>();
        try (Client etcd = ETCD.newClient(); TestNode node = TestNode.start(env)) {
            try {
                for (int i = 0; i < PLAYERS; i++) {
                    players.add(node.player("player-" + i));
                }
                // The sessions' records are written; from now on only the subscribes write.
                long before = quietRevision(etcd, node);
                double txnsBefore = node.metric("gamestate_etcd_txns_total", WRITER);
                double opsBefore = node.metric("gamestate_etcd_batch_ops_total", WRITER);
                double sessionTxnsBefore = node.metric("gamestate_etcd_txns_total", SESSIONS);

                List<String> ids = new ArrayList<>();
                players.forEach(p -> ids.add(p.send("subscribe", ROOM)));
                for (int i = 0; i < PLAYERS; i++) {
                    assertThat(players.get(i).awaitReply(ids.get(i)).path("type").asText()).isEqualTo("ack");
                }
                WsClient asker = players.getFirst();
                await().atMost(WAIT).untilAsserted(() ->
                        assertThat(asker.ack("presence", ROOM).path("count").asLong()).isEqualTo(PLAYERS));
                long after = quietRevision(etcd, node);
                long txns = (long) (node.metric("gamestate_etcd_txns_total", WRITER) - txnsBefore);
                long ops = (long) (node.metric("gamestate_etcd_batch_ops_total", WRITER) - opsBefore);
                // Session records list their rooms (the admin API's session list): each subscribe also
                // rewrites its session's record, coalesced by that writer; presence adds nothing to it.
                long sessionTxns = (long) (node.metric("gamestate_etcd_txns_total", SESSIONS) - sessionTxnsBefore);

                System.out.printf("PresenceWritesIT: %d subscribers, %d etcd revisions, %d transactions, %d ops,"
                        + " %d session-record transactions%n", PLAYERS, after - before, txns, ops, sessionTxns);
                assertThat(after - before).as("every revision is one record transaction: nothing else written")
                        .isEqualTo(txns + sessionTxns);
                assertThat(ops).as("each transaction writes the room's one record").isEqualTo(txns);
                assertThat(txns).as("at most one record write per subscribe, fewer when they coalesce")
                        .isBetween(1L, (long) PLAYERS);
                String key = env.get("GAMESTATE_ETCD_KEY_PREFIX") + "subscriptions/private/arena/"
                        + node.node().config().server().nodeId();
                var kvs = etcd.getKVClient().get(Keys.bytes(key)).get().getKvs();
                JsonNode record = new ObjectMapper().readTree(kvs.getFirst().getValue().getBytes());
                assertThat(record.path("sessions").asLong()).isEqualTo(PLAYERS);
                assertThat(record.path("members").size()).isEqualTo(PLAYERS);
                assertThat(kvs.getFirst().getVersion()).as("times the record was written").isEqualTo(txns);
            } finally {
                players.forEach(WsClient::close);
            }
        }
    }

    /** etcd's revision once the node's record writers are idle and nothing has changed for a while. */
    private static long quietRevision(Client etcd, TestNode node) {
        long[] last = {-1};
        await().atMost(WAIT).during(Duration.ofMillis(500)).until(() -> {
            long now = revision(etcd);
            boolean idle = node.metric("gamestate_etcd_batch_queued", "writer=\"sessions\"") == 0
                    && node.metric("gamestate_etcd_batch_queued", WRITER) == 0;
            boolean same = now == last[0];
            last[0] = now;
            return idle && same;
        });
        return last[0];
    }

    private static long revision(Client etcd) throws Exception {
        return etcd.getKVClient().get(Keys.bytes("/"), GetOption.builder().withCountOnly(true).build()).get()
                .getHeader().getRevision();
    }
}
