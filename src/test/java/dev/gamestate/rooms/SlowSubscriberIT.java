package dev.gamestate.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.RawWebSocket;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A subscriber that reads too slowly is caught up with a snapshot, not dropped and not sent a gap. */
class SlowSubscriberIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 1500;
    private static final int WINDOW = 50;
    private static final String PADDING = "x".repeat(4000);

    @Test
    void aSubscriberThatStopsReadingGetsAConflatedSnapshotAndThenEveryLaterEventInOrder() throws Exception {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_LIMITS_OUTBOUND_BUFFER_BYTES", "131072");
        env.put("GAMESTATE_LIMITS_MESSAGES_PER_SECOND", "100000");
        env.put("GAMESTATE_ROOMS_MAX_PENDING_WRITES", "10000");
        try (TestNode node = TestNode.start(env);
             WsClient publisher = node.player("publisher");
             RawWebSocket slow = RawWebSocket.connect(node.port(), "/core/game/v1/real-time/private",
                     Map.of("Authorization", "Bearer " + node.token("slow")), 4096)) {
            assertThat(text(slow.readFrame()).path("type").asText()).isEqualTo("welcome");
            slow.sendTextBytes("{\"id\":\"s\",\"type\":\"subscribe\",\"payload\":{\"room\":\"arena\"}}"
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(text(slow.readFrame()).path("result").path("seq").asLong()).isZero();
            publisher.ack("subscribe", "{\"room\":\"arena\"}");

            // Far more than the slow reader's socket buffers and its outbound budget hold. Sent in
            // windows, so the publisher (a subscriber too) never has many replies unread at once.
            for (int from = 1; from <= EVENTS; from += WINDOW) {
                List<String> ids = new ArrayList<>();
                for (int i = from; i < from + WINDOW && i <= EVENTS; i++) {
                    ids.add(publisher.send("core.game.state.broadcast", "{\"room\":\"arena\",\"patch\":{\"n\":"
                            + i + "},\"data\":{\"pad\":\"" + PADDING + "\"}}"));
                }
                for (String id : ids) {
                    assertThat(publisher.awaitReply(id).path("type").asText()).isEqualTo("ack");
                }
            }

            // Now read everything: seqs rise by one, except where a conflated snapshot covers a jump.
            long last = 0;
            int snapshots = 0;
            while (last < EVENTS) {
                RawWebSocket.Frame frame = slow.readFrame();
                assertThat(frame.opcode()).as("a close (%d) instead of catching up after seq %d",
                        frame.opcode() == RawWebSocket.CLOSE ? frame.closeCode() : 0, last).isEqualTo(RawWebSocket.TEXT);
                JsonNode event = text(frame);
                long seq = event.path("seq").asLong();
                if (event.path("type").asText().equals("snapshot")) {
                    assertThat(event.path("payload").path("reason").asText()).isEqualTo("conflated");
                    assertThat(seq).isGreaterThan(last);
                    assertThat(event.path("payload").path("state").path("n").asLong()).isEqualTo(seq);
                    snapshots++;
                } else {
                    assertThat(seq).as("the event after seq %d", last).isEqualTo(last + 1);
                }
                last = seq;
            }
            assertThat(snapshots).as("conflated snapshots").isPositive();
        }
    }

    private static JsonNode text(RawWebSocket.Frame frame) throws Exception {
        return JSON.readTree(frame.payload());
    }
}
