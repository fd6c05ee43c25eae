package dev.gamestate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.Closer;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.HttpProbe;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three nodes on one etcd, each watching only the rooms it has subscribers in and the users it has
 * sessions of: a node receives nothing of the rest, and nothing is lost to the ones that join late.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InterestWatchesIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String BROADCAST = "core.game.state.broadcast";
    private static final String SEND = "core.game.state.send_message";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Closer open = new Closer();
    private TestNode a;
    private TestNode b;
    private TestNode c;

    @BeforeEach
    void startNodes() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_LIMITS_MESSAGES_PER_SECOND", "100000"); // the publisher outruns the default
        a = node(env, "node-a");
        b = node(env, "node-b");
        c = node(env, "node-c");
    }

    @AfterEach
    void stopAll() throws Exception {
        open.close();
    }

    private TestNode node(Map<String, String> env, String id) {
        return keep(TestNode.start(env, id));
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        return open.keep(closeable);
    }

    @Test
    void aNodeWithNoSubscriberOfARoomReceivesNoneOfItsEvents() {
        WsClient alice = keep(a.player("alice"));
        WsClient bob = keep(b.player("bob"));
        WsClient carol = keep(c.player("carol"));
        alice.ack("subscribe", "{\"room\":\"arena\"}");
        bob.ack("subscribe", "{\"room\":\"arena\"}");
        carol.ack("subscribe", "{\"room\":\"elsewhere\"}");

        for (int i = 1; i <= 50; i++) {
            alice.ack(BROADCAST, "{\"room\":\"arena\",\"patch\":{\"n\":" + i + "}}");
        }
        awaitSeq(bob, "arena", 50);

        assertThat(events(b, "room")).isGreaterThanOrEqualTo(50);
        assertThat(events(a, "room")).isGreaterThanOrEqualTo(50);
        assertThat(events(c, "room")).as("node C has no subscriber of arena").isZero();
        // C holds carol's room (its log and its subscriber records, for presence) and her two user
        // watches, nothing of arena or of alice and bob.
        assertThat(metric(c, "gamestate_watches")).isEqualTo(4);
    }

    @Test
    void aSubscriberJoiningMidStreamOnANodeWithoutTheWatchGetsEveryLaterEvent() throws Exception {
        int total = 2000;
        WsClient publisher = keep(a.player("pub"));
        publisher.ack("subscribe", "{\"room\":\"hot\"}");
        // Two on node B, subscribing at once: one read starts B's watch of the room, the other waits for it.
        WsClient late = keep(b.player("late"));
        WsClient later = keep(b.player("later"));
        AtomicLong acked = new AtomicLong();
        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
            // Windows of requests in flight: a high rate without outrunning the per-socket limits.
            int window = 50;
            for (int from = 1; from <= total; from += window) {
                List<String> ids = new ArrayList<>();
                for (int i = from; i < from + window && i <= total; i++) {
                    ids.add(publisher.send(BROADCAST, "{\"room\":\"hot\",\"patch\":{\"n\":" + i + "}}"));
                }
                for (String id : ids) {
                    JsonNode reply = publisher.awaitReply(id);
                    assertThat(reply.path("type").asText()).as("reply %s", reply).isEqualTo("ack");
                    acked.accumulateAndGet(reply.path("result").path("seq").asLong(), Math::max);
                }
            }
        });
        assertThat(events(b, "room")).isZero();
        await().atMost(WAIT).until(() -> acked.get() >= 300 || publishing.isDone());

        String first = late.send("subscribe", "{\"room\":\"hot\"}");
        String second = later.send("subscribe", "{\"room\":\"hot\"}");
        long ackSeq = late.awaitReply(first).path("result").path("seq").asLong();
        long laterAckSeq = later.awaitReply(second).path("result").path("seq").asLong();
        publishing.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEveryEventAfter(late, ackSeq, total);
        assertEveryEventAfter(later, laterAckSeq, total);
        System.out.printf("InterestWatchesIT: joined at seqs %d and %d of %d, then every event in order%n",
                ackSeq, laterAckSeq, total);
    }

    private static void assertEveryEventAfter(WsClient client, long ackSeq, long total) {
        assertThat(ackSeq).as("joined mid-stream").isGreaterThan(0).isLessThan(total);
        List<Long> seqs = new ArrayList<>();
        while (seqs.isEmpty() || seqs.getLast() < total) {
            JsonNode frame = client.await(f -> f.path("room").asText().equals("hot") && f.has("seq"), "a hot frame");
            assertThat(frame.path("type").asText()).as("no snapshot, no gap: %s", frame).isEqualTo(BROADCAST);
            seqs.add(frame.path("seq").asLong());
        }
        assertThat(seqs).isEqualTo(LongStream.rangeClosed(ackSeq + 1, total).boxed().toList());
    }

    @Test
    void directMessagesReachTheUsersSessionsOnAnyNodeAndNoOtherNode() {
        WsClient sender = keep(a.player("sender"));
        WsClient bobOnB = keep(b.player("bob"));
        WsClient bobOnC = keep(c.player("bob"));
        WsClient other = keep(c.player("other"));
        for (int i = 1; i <= 5; i++) {
            JsonNode ack = sender.ack(SEND, "{\"to\":\"bob\",\"text\":\"live" + i + "\"}");
            assertThat(ack.path("delivered").asText()).isEqualTo("live");
        }
        for (WsClient bob : List.of(bobOnB, bobOnC)) {
            for (int i = 1; i <= 5; i++) {
                assertThat(bob.awaitType(SEND).path("payload").path("text").asText()).isEqualTo("live" + i);
            }
        }
        assertThat(events(a, "user")).as("node A holds no session of bob").isZero();
        assertThat(events(b, "user")).isEqualTo(5);
        assertThat(events(c, "user")).isEqualTo(5);
        assertThat(other.pending()).noneMatch(f -> f.path("type").asText().equals(SEND));

        // Bob leaves B: B stops watching him, and what is kept for him later never reaches B.
        bobOnB.close();
        bobOnC.close();
        await().atMost(WAIT).until(() -> metric(b, "gamestate_watches") == 0);
        await().atMost(WAIT).until(() -> sender.ack(SEND, "{\"to\":\"bob\",\"text\":\"probe\"}")
                .path("delivered").asText().equals("queued"));
        for (int i = 1; i <= 3; i++) {
            sender.ack(SEND, "{\"to\":\"bob\",\"text\":\"later" + i + "\"}");
        }
        WsClient bobBack = keep(c.player("bob"));
        List<String> texts = new ArrayList<>();
        while (texts.size() < 4) {
            texts.add(bobBack.awaitType(SEND).path("payload").path("text").asText());
        }
        assertThat(texts).containsExactly("probe", "later1", "later2", "later3");
        assertThat(events(b, "inbox")).isZero();
        assertThat(events(a, "inbox")).isZero();
    }

    private static void awaitSeq(WsClient client, String room, long seq) {
        client.await(f -> f.path("room").asText().equals(room) && f.path("seq").asLong() == seq,
                room + " seq " + seq);
    }

    private static double events(TestNode node, String kind) {
        return metric(node, "gamestate_watch_events_total", "kind=\"" + kind + "\"");
    }

    private static double metric(TestNode node, String name) {
        return metric(node, name, "node=");
    }

    /** A counter or gauge of the node's {@code /metrics}, by name and one label; 0 when absent. */
    private static double metric(TestNode node, String name, String label) {
        String text = HttpProbe.get(node.http("/metrics")).body();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
