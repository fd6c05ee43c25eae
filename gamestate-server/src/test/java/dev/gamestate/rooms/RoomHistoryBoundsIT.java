package dev.gamestate.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What one room may cost etcd: an event is at most {@code rooms.maxEventBytes} (whatever the frame
 * limit), and the room's history at most {@code rooms.maxHistoryBytes}; a resume past what the
 * bytes bound kept is {@code recovered: false}, one within it replays without a gap.
 */
class RoomHistoryBoundsIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final int MAX_EVENT = 8 * 1024;
    private static final int MAX_HISTORY = 64 * 1024;
    private static final String BROADCAST = "core.game.state.broadcast";

    static TestNode node;
    static Client etcd;
    static String prefix;

    @BeforeAll
    static void startNode() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_ROOMS_MAX_EVENT_BYTES", Integer.toString(MAX_EVENT));
        env.put("GAMESTATE_ROOMS_MAX_HISTORY_BYTES", Integer.toString(MAX_HISTORY));
        env.put("GAMESTATE_LIMITS_MESSAGES_PER_SECOND", "1000");
        env.put("GAMESTATE_MESSAGING_MAX_TEXT_LENGTH", "10000");
        prefix = env.get("GAMESTATE_ETCD_KEY_PREFIX");
        node = TestNode.start(env);
        etcd = ETCD.newClient();
    }

    @AfterAll
    static void stopNode() {
        if (etcd != null) {
            etcd.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void anEventOverMaxEventBytesIsTooLargeThoughItsFrameIsAllowed() {
        try (WsClient alice = node.player("alice")) {
            alice.ack("subscribe", "{\"room\":\"big-events\"}");
            JsonNode refused = alice.request(BROADCAST, "{\"room\":\"big-events\",\"data\":\"" + "x".repeat(10_000) + "\"}");
            assertThat(refused.path("error").path("code").asText()).as("%s", refused).isEqualTo("too_large");
            assertThat(refused.path("error").path("message").asText()).contains("rooms.maxEventBytes", "8192");
            JsonNode message = alice.request("core.game.state.send_message",
                    "{\"room\":\"big-events\",\"text\":\"" + "y".repeat(9_000) + "\"}");
            assertThat(message.path("error").path("code").asText()).as("%s", message).isEqualTo("too_large");
            assertThat(alice.ack(BROADCAST, "{\"room\":\"big-events\",\"data\":\"" + "x".repeat(7_000) + "\"}")
                    .path("seq").asLong()).as("nothing was committed before").isEqualTo(1);
        }
    }

    @Test
    void aRoomsHistoryStaysUnderMaxHistoryBytesAndResumesAreGapFreeOrNotRecovered() throws Exception {
        String room = "heavy-history";
        int events = 60;
        try (WsClient alice = node.player("alice")) {
            alice.ack("subscribe", "{\"room\":\"" + room + "\"}");
            List<String> sent = new ArrayList<>();
            for (int i = 1; i <= events; i++) {
                sent.add(alice.send(BROADCAST, "{\"room\":\"" + room + "\",\"patch\":{\"n\":" + i
                        + "},\"data\":\"" + "d".repeat(4_000) + "\"}"));
            }
            sent.forEach(id -> assertThat(alice.awaitReply(id).path("type").asText()).isEqualTo("ack"));

            List<KeyValue> log = log(room);
            long stored = log.stream().mapToLong(kv -> kv.getValue().size()).sum();
            long first = seqOf(log.getFirst());
            System.out.printf("RoomHistoryBoundsIT: %d events of ~4 KB, history keeps %d (seqs %d..%d), %d bytes%n",
                    events, log.size(), first, seqOf(log.getLast()), stored);
            assertThat(stored).isLessThanOrEqualTo(MAX_HISTORY);
            assertThat(stored).as("whole segments go: at least 15/16 of the bound less one event")
                    .isGreaterThan(MAX_HISTORY * 15L / 16 - 4_200);
            assertThat(seqOf(log.getLast())).isEqualTo(events);
            assertThat(log).extracting(RoomHistoryBoundsIT::seqOf)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(first, events).boxed().toList());

            try (WsClient bob = node.player("bob")) {
                JsonNode within = bob.ack("subscribe", "{\"room\":\"" + room + "\",\"since\":" + (first - 1) + "}");
                assertThat(within.path("recovered").asBoolean()).isTrue();
                assertThat(within.path("missed").asLong()).isEqualTo(events - first + 1);
                for (long seq = first; seq <= events; seq++) {
                    long expected = seq;
                    JsonNode event = bob.await(f -> f.path("room").asText().equals(room) && f.has("seq"),
                            "event " + seq);
                    assertThat(event.path("seq").asLong()).isEqualTo(expected);
                }
            }
            try (WsClient carol = node.player("carol")) {
                JsonNode beyond = carol.ack("subscribe", "{\"room\":\"" + room + "\",\"since\":" + (first - 2) + "}");
                assertThat(beyond.path("recovered").asBoolean()).as("%s", beyond).isFalse();
                assertThat(beyond.path("seq").asLong()).isEqualTo(events);
                assertThat(beyond.path("state").path("n").asInt()).isEqualTo(events);
                carol.ack("ping", "{}"); // a replay would come before this reply
                assertThat(carol.pending()).noneMatch(f -> f.path("room").asText().equals(room) && f.has("seq"));
            }
        }
    }

    private static List<KeyValue> log(String room) throws Exception {
        ByteSequence key = ByteSequence.from(prefix + "stream/rooms/private/" + room + "/", StandardCharsets.UTF_8);
        return etcd.getKVClient().get(key, GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS)
                .getKvs();
    }

    private static long seqOf(KeyValue kv) {
        String key = kv.getKey().toString(StandardCharsets.UTF_8);
        return Long.parseLong(key.substring(key.lastIndexOf('/') + 1));
    }
}
