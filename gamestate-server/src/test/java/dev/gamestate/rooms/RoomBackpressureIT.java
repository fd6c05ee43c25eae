package dev.gamestate.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Writes to one room queue up to rooms.maxPendingWrites per node; past that they are shed, never lost. */
class RoomBackpressureIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    @Test
    void aBurstPastTheQueueBoundIsShedWithRetryAfterAndEveryAckedWriteKeepsItsPlace() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_ROOMS_MAX_PENDING_WRITES", "2");
        try (TestNode node = TestNode.start(env); WsClient writer = node.player("wendy")) {
            writer.ack("subscribe", "{\"room\":\"hot\"}");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ids.add(writer.send("core.game.state.broadcast", "{\"room\":\"hot\",\"patch\":{\"n\":" + i + "}}"));
            }
            List<JsonNode> replies = ids.stream().map(writer::awaitReply).toList();
            List<JsonNode> shed = replies.stream().filter(r -> r.get("type").asText().equals("error")).toList();
            List<Long> seqs = replies.stream().filter(r -> r.get("type").asText().equals("ack"))
                    .map(r -> r.path("result").path("seq").asLong()).sorted().toList();

            assertThat(shed).isNotEmpty().allSatisfy(e -> {
                assertThat(e.path("error").path("code").asText()).isEqualTo("unavailable");
                assertThat(e.path("error").path("retryAfterMs").asLong()).isPositive();
            });
            assertThat(seqs).hasSize(40 - shed.size());
            for (int i = 0; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).isEqualTo(i + 1L); // acked writes took consecutive seqs
            }
            for (long seq : seqs) {
                JsonNode event = writer.awaitType("core.game.state.broadcast");
                assertThat(event.get("seq").asLong()).isEqualTo(seq);
            }
        }
    }
}
