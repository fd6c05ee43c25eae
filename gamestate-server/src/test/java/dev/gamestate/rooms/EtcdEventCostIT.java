package dev.gamestate.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Measures what a room event costs etcd's db, for the sizing in docs/operations.md: the db's bytes
 * in use before and after N events (one transaction each: the worst case, no group commit), before
 * compaction (every revision kept) and after compaction and defragmentation (what the history holds).
 */
class EtcdEventCostIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final int EVENTS = 300;
    private static final String BROADCAST = "core.game.state.broadcast";

    @Test
    void aRoomEventCostsEtcdAtLeastItsFrameBeforeAndAfterCompaction() throws Exception {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_LIMITS_MESSAGES_PER_SECOND", "1000");
        env.put("GAMESTATE_ETCD_COMPACTION_INTERVAL", "0s");
        String prefix = env.get("GAMESTATE_ETCD_KEY_PREFIX");
        try (Client etcd = ETCD.newClient(); TestNode node = TestNode.start(env); WsClient alice = node.player("alice")) {
            for (int dataBytes : new int[] {16, 1_000, 8_000}) {
                String room = "cost-" + dataBytes;
                alice.ack("subscribe", "{\"room\":\"" + room + "\"}");
                long baseline = compactAndDefragment(etcd);
                long before = inUse(etcd);
                for (int i = 1; i <= EVENTS; i++) {
                    alice.ack(BROADCAST, "{\"room\":\"" + room + "\",\"patch\":{\"turn\":" + i + "},\"data\":\""
                            + "d".repeat(dataBytes) + "\"}");
                }
                long grown = inUse(etcd) - before;
                long live = compactAndDefragment(etcd) - baseline;
                var log = etcd.getKVClient().get(ByteSequence.from(prefix + "stream/rooms/private/" + room + "/",
                        StandardCharsets.UTF_8), GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS);
                long frame = log.getKvs().getFirst().getValue().size();
                long kept = log.getCount(); // rooms.maxHistoryBytes (1 MiB) may have trimmed the bigger ones
                System.out.printf("EtcdEventCostIT: frame %d B: the db grew %d B per event before compaction; "
                        + "after compaction and defrag it holds %d B per event of the %d the history kept%n",
                        frame, grown / EVENTS, live / kept, kept);
                assertThat(grown / EVENTS).as("at least the frame itself").isGreaterThanOrEqualTo(frame);
                assertThat(live / kept).as("at least the frame itself").isGreaterThanOrEqualTo(frame);
            }
        }
    }

    /** Compacts to the current revision and defragments; returns the db's size then (all of it in use). */
    private static long compactAndDefragment(Client etcd) throws Exception {
        long revision = etcd.getKVClient().get(ByteSequence.from("/", StandardCharsets.UTF_8))
                .get(10, TimeUnit.SECONDS).getHeader().getRevision();
        etcd.getKVClient().compact(revision).get(10, TimeUnit.SECONDS);
        etcd.getMaintenanceClient().defragmentMember(ETCD.endpoints().getFirst()).get(30, TimeUnit.SECONDS);
        return etcd.getMaintenanceClient().statusMember(ETCD.endpoints().getFirst()).get(10, TimeUnit.SECONDS)
                .getDbSize();
    }

    /** The db's bytes in use once etcd's figure settled (it is refreshed behind its commits). */
    private static long inUse(Client etcd) {
        long[] last = {-1};
        await().pollInterval(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10)).until(() -> {
            long now = etcd.getMaintenanceClient().statusMember(ETCD.endpoints().getFirst())
                    .get(10, TimeUnit.SECONDS).getDbSizeInUse();
            boolean settled = now == last[0];
            last[0] = now;
            return settled;
        });
        return last[0];
    }
}
