package dev.gamestate.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.RawWebSocket;
import dev.gamestate.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A subscriber that reads too slowly is caught up with a snapshot, not dropped and not sent a gap. */
class SlowSubscriberIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 1500;
    // 10 × 4 KB of its own copies in flight stay well under the soft mark (64 KiB) even when the test
    // thread reads them late on a loaded machine: the publisher must never be the slow reader.
    private static final int WINDOW = 10;
    private static final String PADDING = "x".repeat(4000);

    @Test
    void aSubscriberThatStopsReadingGetsAConflatedSnapshotAndThenEveryLaterEventInOrder() throws Exception {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_LIMITS_OUTBOUND_BUFFER_BYTES", "131072");
        env.put("GAMESTATE_LIMITS_MESSAGES_PER_SECOND", "100000");
        env.put("GAMESTATE_ROOMS_MAX_PENDING_WRITES", "10000");
        try (TestNode node = TestNode.start(env);
             RawWebSocket publisher = RawWebSocket.connect(node.port(), "/core/game/v1/real-time/private",
                     Map.of("Authorization", "Bearer " + node.token("publisher")));
             RawWebSocket slow = RawWebSocket.connect(node.port(), "/core/game/v1/real-time/private",
                     Map.of("Authorization", "Bearer " + node.token("slow")), 4096)) {
            assertThat(text(slow.readFrame()).path("type").asText()).isEqualTo("welcome");
            slow.sendTextBytes("{\"id\":\"s\",\"type\":\"subscribe\",\"payload\":{\"room\":\"arena\"}}"
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(text(slow.readFrame()).path("result").path("seq").asLong()).isZero();
            assertThat(text(publisher.readFrame()).path("type").asText()).isEqualTo("welcome");
            send(publisher, "p", "subscribe", "{\"room\":\"arena\"}");
            awaitAcks(publisher, Set.of("p"));

            // Far more than the slow reader's socket buffers and its outbound budget hold. Sent in
            // windows, so the publisher (a subscriber too) never has many replies unread at once.
            // The publisher is a raw socket read in a tight loop: its own copies of the events must not
            // make it a slow reader too.
            for (int from = 1; from <= EVENTS; from += WINDOW) {
                Set<String> ids = new HashSet<>();
                for (int i = from; i < from + WINDOW && i <= EVENTS; i++) {
                    ids.add("b" + i);
                    send(publisher, "b" + i, "core.game.state.broadcast", "{\"room\":\"arena\",\"patch\":{\"n\":"
                            + i + "},\"data\":{\"pad\":\"" + PADDING + "\"}}");
                }
                awaitAcks(publisher, ids);
            }

            // Now read everything: seqs rise by one, except where a conflated snapshot covers a jump.
            long last = 0;
            int snapshots = 0;
            while (last < EVENTS) {
                RawWebSocket.Frame frame = slow.readFrame();
                assertThat(frame.opcode()).as("a close (%d) instead of catching up after seq %d",
                        frame.opcode() == RawWebSocket.CLOSE ? frame.closeCode() : 0, last).isEqualTo(RawWebSocket.TEXT);
                JsonNode event = text(frame);
                if (event.path("type").asText().equals("core.game.state.presence")) {
                    continue; // who is in the room, not part of its stream
                }
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
            // Each snapshot came from one catch-up of the slow subscription; none from a lost watch.
            assertThat(node.metric("gamestate_room_resyncs_total", "reason=\"conflated\""))
                    .isGreaterThanOrEqualTo(snapshots);
            assertThat(node.metric("gamestate_room_resyncs_total", "reason=\"resync\"")).isZero();
            assertThat(node.metric("gamestate_closes_total", "code=\"4008\"")).isZero();
        }
    }

    private static void send(RawWebSocket socket, String id, String type, String payload) {
        socket.sendTextBytes(("{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"payload\":" + payload + "}")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Reads frames (events in between are skipped) until every id in {@code ids} was acked. */
    private static void awaitAcks(RawWebSocket socket, Set<String> ids) throws Exception {
        Set<String> waiting = new HashSet<>(ids);
        while (!waiting.isEmpty()) {
            RawWebSocket.Frame frame = socket.readFrame();
            assertThat(frame.opcode()).as("the publisher's socket was closed (%d: %s)",
                    frame.opcode() == RawWebSocket.CLOSE ? frame.closeCode() : 0, frame.text()).isEqualTo(RawWebSocket.TEXT);
            JsonNode reply = text(frame);
            if (reply.has("id") && waiting.remove(reply.path("id").asText())) {
                assertThat(reply.path("type").asText()).as("reply %s", reply.path("id")).isEqualTo("ack");
            }
        }
    }

    private static JsonNode text(RawWebSocket.Frame frame) throws Exception {
        return JSON.readTree(frame.payload());
    }
}
