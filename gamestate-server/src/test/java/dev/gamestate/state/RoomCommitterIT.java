package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gamestate.config.ConfigSource;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.testing.EtcdExtension;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RoomCommitterIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int HISTORY = 5;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private GameConfig config;

    @BeforeEach
    void configure() {
        config = ConfigSource.load(Optional.empty(), Map.of(
                "GAMESTATE_ETCD_ENDPOINTS", ETCD.endpointsCsv(),
                "GAMESTATE_AUTH_JWT_HMAC_SECRET", "x".repeat(40),
                "GAMESTATE_AUTH_GUEST_TOKEN_SECRET", "y".repeat(40),
                "GAMESTATE_ROOMS_HISTORY_SIZE", Integer.toString(HISTORY),
                "GAMESTATE_ROOMS_MAX_PENDING_WRITES", "1000",
                "GAMESTATE_ETCD_KEY_PREFIX", "/t-" + UUID.randomUUID() + "/")).bind();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        scheduler.shutdownNow();
    }

    @Test
    void appendsWaitingForOneRoomShareTransactionsAndGetConsecutiveSeqs() {
        Node node = node("a");
        List<CompletableFuture<Long>> acks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            acks.add(node.committer.append(Namespace.PRIVATE, "arena", counting("n")));
        }

        assertThat(acks.stream().map(CompletableFuture::join).toList())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 200).boxed().toList());
        assertThat(node.committer.committedEvents()).isEqualTo(200);
        assertThat(node.committer.transactions()).as("transactions for 200 appends").isLessThan(50);
        JsonNode stored = storedRoom(node.etcd, "arena");
        assertThat(stored.path("seq").asLong()).isEqualTo(200);
        assertThat(stored.path("state").path("n").asLong()).isEqualTo(200);
    }

    @Test
    void appendsToManyRoomsShareTransactions() {
        Node node = node("a");
        List<CompletableFuture<Long>> acks = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (int room = 0; room < 40; room++) {
                acks.add(node.committer.append(Namespace.PRIVATE, "room-" + room, counting("n")));
            }
        }
        acks.forEach(CompletableFuture::join);

        assertThat(node.committer.committedEvents()).isEqualTo(200);
        assertThat(node.committer.transactions()).as("write transactions for 40 rooms × 5").isLessThan(40);
        for (int room = 0; room < 40; room++) {
            assertThat(storedRoom(node.etcd, "room-" + room).path("seq").asLong()).isEqualTo(5);
        }
    }

    @Test
    void onlyTheLastHistorySizeLogEntriesStay() {
        Node node = node("a");
        List<CompletableFuture<Long>> acks = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            acks.add(node.committer.append(Namespace.PRIVATE, "arena", counting("n")));
        }
        acks.forEach(CompletableFuture::join);

        String log = node.etcd.keys().roomLog(Namespace.PRIVATE, "arena");
        List<String> left = node.etcd.kv().get(Keys.bytes(log), GetOption.builder().isPrefix(true).build()).join()
                .getKvs().stream().map(kv -> kv.getKey().toString(StandardCharsets.UTF_8).substring(log.length()))
                .toList();
        assertThat(left).containsExactly("00000000000000000019", "00000000000000000020", "00000000000000000021",
                "00000000000000000022", "00000000000000000023");
    }

    @Test
    void twoNodesWritingOneRoomNeverShareASeq() {
        Node east = node("east");
        Node west = node("west");
        List<CompletableFuture<Long>> acks = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            acks.add((i % 2 == 0 ? east : west).committer.append(Namespace.PRIVATE, "contested", counting("n")));
        }

        Set<Long> seqs = new HashSet<>();
        int failed = 0;
        for (CompletableFuture<Long> ack : acks) {
            try {
                assertThat(seqs.add(ack.join())).as("a seq given twice").isTrue();
            } catch (CompletionException e) {
                assertThat(GameException.from(e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
                failed++;
            }
        }
        JsonNode stored = storedRoom(east.etcd, "contested");
        assertThat(stored.path("seq").asLong()).isEqualTo(150 - failed);
        assertThat(stored.path("state").path("n").asLong()).as("every committed append applied once")
                .isEqualTo(150 - failed);
        assertThat(seqs).containsExactlyInAnyOrderElementsOf(
                LongStream.rangeClosed(1, 150 - failed).boxed().toList());
    }

    @Test
    void aRefusedAppendFailsAloneAndTheOthersCommit() {
        Node node = node("a");
        CompletableFuture<Long> first = node.committer.append(Namespace.PRIVATE, "arena", counting("n"));
        CompletableFuture<Long> refused = node.committer.append(Namespace.PRIVATE, "arena", (seq, state) -> {
            throw new GameException(ErrorCode.TOO_LARGE, "too large");
        });
        CompletableFuture<Long> third = node.committer.append(Namespace.PRIVATE, "arena", counting("n"));

        assertThat(first.join()).isEqualTo(1);
        assertThatThrownBy(refused::join).hasCauseInstanceOf(GameException.class);
        assertThat(third.join()).isEqualTo(2);
    }

    @Test
    void eventsOfOneTransactionShareLogKeysAndEveryWindowOfTheHistoryReadsBackWhole() {
        int history = 64;
        long maxBytes = 8 * 1024;
        config = configWith(history, 512, maxBytes);
        Node node = node("a");
        RoomLog log = RoomLog.inEtcd(node.etcd);
        Random random = new Random(11);
        long written = 0;
        for (int wave = 0; wave < 8; wave++) {
            List<CompletableFuture<Long>> acks = new ArrayList<>();
            for (int i = 0; i < 90; i++) {
                acks.add(node.committer.append(Namespace.PRIVATE, "arena", padded(random.nextInt(400))));
            }
            acks.forEach(CompletableFuture::join);
            written += acks.size();

            List<RoomLog.Entry> kept = log.read(Namespace.PRIVATE, "arena", 1, written).join();
            long floor = kept.getFirst().seq();
            long exact = written - history + 1;
            long chunk = history / 8;
            long countFloor = exact <= 1 ? 1 : 1 + (exact - 1) / chunk * chunk;
            assertThat(floor).as("the first event kept after wave %d", wave)
                    .isEqualTo(HistoryBytes.of(storedRoom(node.etcd, "arena")).floor(countFloor));
            assertThat(kept).extracting(RoomLog.Entry::seq).as("the log after wave %d", wave)
                    .containsExactlyElementsOf(LongStream.rangeClosed(floor, written).boxed().toList());
            assertThat(kept).allSatisfy(e -> assertThat(new String(e.frame(), StandardCharsets.UTF_8))
                    .startsWith("{\"seq\":" + e.seq() + ","));
            assertThat(written - floor + 1).isLessThanOrEqualTo(history + history / 8 - 1);
            assertThat(kept.stream().mapToLong(e -> e.frame().length).sum())
                    .isLessThanOrEqualTo(maxBytes + maxBytes / HistoryBytes.SEGMENTS + 512);
            for (long from = floor; from <= written; from++) {
                assertThat(log.read(Namespace.PRIVATE, "arena", from, written).join())
                        .extracting(RoomLog.Entry::seq).as("read from %d after wave %d", from, wave)
                        .containsExactlyElementsOf(LongStream.rangeClosed(from, written).boxed().toList());
            }
        }
        String prefix = node.etcd.keys().roomLog(Namespace.PRIVATE, "arena");
        long keys = node.etcd.kv().get(Keys.bytes(prefix), GetOption.builder().isPrefix(true).withCountOnly(true)
                .build()).join().getCount();
        assertThat(node.committer.transactions()).as("transactions for 720 appends").isLessThan(200);
        assertThat(keys).as("log keys for the events kept").isLessThan(history / 2);
    }

    /** An append whose frame names its seq and carries {@code pad} more bytes. */
    private static RoomCommitter.Append padded(int pad) {
        return (seq, state) -> {
            byte[] frame = ("{\"seq\":" + (seq + 1) + ",\"pad\":\"" + "[\\\"x".repeat(pad / 4) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            return new RoomCommitter.Step(state, "{}".getBytes(StandardCharsets.UTF_8), frame);
        };
    }

    private GameConfig configWith(int historySize, int maxEventBytes, long maxHistoryBytes) {
        return ConfigSource.load(Optional.empty(), Map.of(
                "GAMESTATE_ETCD_ENDPOINTS", ETCD.endpointsCsv(),
                "GAMESTATE_AUTH_JWT_HMAC_SECRET", "x".repeat(40),
                "GAMESTATE_AUTH_GUEST_TOKEN_SECRET", "y".repeat(40),
                "GAMESTATE_ROOMS_HISTORY_SIZE", Integer.toString(historySize),
                "GAMESTATE_ROOMS_MAX_EVENT_BYTES", Integer.toString(maxEventBytes),
                "GAMESTATE_ROOMS_MAX_HISTORY_BYTES", Long.toString(maxHistoryBytes),
                "GAMESTATE_ROOMS_MAX_PENDING_WRITES", "1000",
                "GAMESTATE_ETCD_KEY_PREFIX", "/t-" + UUID.randomUUID() + "/")).bind();
    }

    /** An append that counts its applications in {@code field} and whose frame names its seq. */
    private static RoomCommitter.Append counting(String field) {
        return (seq, state) -> {
            ObjectNode next = ((ObjectNode) state).deepCopy();
            next.put(field, state.path(field).asLong() + 1);
            byte[] frame = ("{\"seq\":" + (seq + 1) + "}").getBytes(StandardCharsets.UTF_8);
            try {
                return new RoomCommitter.Step(next, MAPPER.writeValueAsBytes(next), frame);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private JsonNode storedRoom(Etcd etcd, String room) {
        byte[] value = etcd.kv().get(Keys.bytes(etcd.keys().roomState(Namespace.PRIVATE, room))).join()
                .getKvs().getFirst().getValue().getBytes();
        try {
            return MAPPER.readTree(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private record Node(Etcd etcd, RoomCommitter committer) {
    }

    private Node node(String name) {
        Etcd etcd = Etcd.create(config.etcd());
        SerialExecutor thread = SerialExecutor.start("test-rooms-" + name, 4096);
        RoomCommitter committer = new RoomCommitter(etcd, new JsonValues(MAPPER), config.rooms(),
                new LeaseBuckets(etcd, Duration.ofMinutes(1), Clock.systemUTC()), thread, scheduler);
        opened.add(etcd);
        opened.add(thread);
        opened.add(committer);
        return new Node(etcd, committer);
    }
}
