package dev.gamestate.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rolling restart under load: players on two nodes publish into one room (and now and then buy)
 * while node 1 is stopped with SIGTERM and a new node 1 is started. Its players get 1001, resume on
 * node 2 with {@code since}, and in the end every subscriber saw the same gapless stream, holding
 * every acked event, and every purchase was made exactly once.
 */
@Tag("slow")
class RollingRestartIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String ROOM = "rolling-room";
    /** Broadcasts acked in each phase: before the stop, across it, while node 1 starts again, after. */
    private static final int[] PHASES = {60, 60, 40, 40};
    private static final Duration PHASE_LIMIT = Duration.ofSeconds(60);
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(15);

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyAckedEventReachesEverySubscriberInOneGaplessOrderAcrossARollingRestart() throws Exception {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_LIMITS_MESSAGES_PER_SECOND", "1000");
        Semaphore permits = new Semaphore(0);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger published = new AtomicInteger();
        Map<Long, String> acked = Publisher.ackLog();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        List<Future<Void>> running = new ArrayList<>();
        List<Publisher> publishers = new ArrayList<>();
        Map<String, List<Player>> watchers = new LinkedHashMap<>();
        CompletableFuture<ChildNode> startingOne = CompletableFuture.supplyAsync(() -> ChildNode.start(env, "roll-1"));
        try (ChildNode two = ChildNode.start(env, "roll-2"); ChildNode one = startingOne.join()) {
            watchers.put("watch-1", new ArrayList<>(List.of(subscribed(Player.connect(one.privateWs(), "watch-1")))));
            watchers.put("watch-2", new ArrayList<>(List.of(subscribed(Player.connect(two.privateWs(), "watch-2")))));
            for (Player first : List.of(Player.connect(one.privateWs(), "pub-1"),
                    Player.connect(two.privateWs(), "pub-2"))) {
                Publisher publisher = new Publisher(subscribed(first), ROOM, two.privateWs(), permits, done,
                        published, acked);
                publishers.add(publisher);
                running.add(threads.submit(publisher));
            }

            phase(permits, published, running, 0);
            permits.release(PHASES[1]);
            await().atMost(PHASE_LIMIT).until(() -> published.get() >= PHASES[0] + 5);
            int atStop = published.get();
            one.terminate(SHUTDOWN_LIMIT);
            int atExit = published.get();
            Player stayedOnOne = watchers.get("watch-1").getFirst();
            assertThat(stayedOnOne.awaitClose()).isEqualTo(1001);
            System.out.printf("RollingRestartIT: SIGTERM after %d broadcasts acked, node 1 gone after %d%n",
                    atStop, atExit);
            watchers.get("watch-1").add(resume(stayedOnOne, two));
            phase(permits, published, running, 1);

            permits.release(PHASES[2]);
            try (ChildNode newOne = ChildNode.start(env, "roll-1")) {
                phase(permits, published, running, 2);
                Player late = Player.connect(newOne.privateWs(), "pub-3");
                JsonNode replayed = late.ack("subscribe", "{\"room\":\"" + ROOM + "\",\"since\":0}");
                assertThat(replayed.path("recovered").asBoolean()).as("%s", replayed).isTrue();
                Publisher third = new Publisher(late, ROOM, two.privateWs(), permits, done, published, acked);
                publishers.add(third);
                running.add(threads.submit(third));
                permits.release(PHASES[3]);
                phase(permits, published, running, 3);
                done.set(true);
                for (Future<Void> publisher : running) {
                    publisher.get(PHASE_LIMIT.toSeconds(), TimeUnit.SECONDS);
                }

                long last;
                try (Player checker = Player.connect(two.privateWs(), "checker")) {
                    last = checker.ack("subscribe", "{\"room\":\"" + ROOM + "\"}").path("seq").asLong();
                }
                System.out.printf("RollingRestartIT: %d broadcasts acked, room at seq %d%n", acked.size(), last);
                assertThat(acked).hasSize(published.get());
                // A draining node answers what it already runs before it closes: no ack is lost, so no
                // retry commits a broadcast twice and the room's seq is exactly the number of acks.
                assertThat(last).isEqualTo(acked.size());
                assertThat(published.get()).isEqualTo(PHASES[0] + PHASES[1] + PHASES[2] + PHASES[3]);
                assertThat(publishers.getFirst().connections()).as("pub-1 moved to node 2").hasSize(2);
                publishers.forEach(p -> watchers.put(p.connections().getFirst().userId(), p.connections()));
                checkStreams(watchers, acked, last);
                try (EtcdView etcd = new EtcdView(ETCD.newClient(), env.get("GAMESTATE_ETCD_KEY_PREFIX"))) {
                    for (Publisher publisher : publishers) {
                        Books.assertBalanced(etcd, publisher.connections().getFirst().userId(), publisher.purchases());
                        System.out.printf("RollingRestartIT: %s made %d purchases over %d connection(s)%n",
                                publisher.connections().getFirst().userId(), publisher.purchases().size(),
                                publisher.connections().size());
                    }
                }
            }
        } finally {
            done.set(true);
            threads.shutdownNow();
            watchers.values().forEach(list -> list.forEach(Player::close));
            publishers.forEach(p -> p.connections().forEach(Player::close));
            startingOne.thenAccept(ChildNode::close);
        }
    }

    /** Every subscriber, across its connections, saw the events 1..last once each, all the same. */
    private static void checkStreams(Map<String, List<Player>> subscribers, Map<Long, String> acked, long last) {
        List<String> reference = null;
        for (Map.Entry<String, List<Player>> subscriber : subscribers.entrySet()) {
            List<Player> connections = subscriber.getValue();
            connections.getLast().awaitSeq(ROOM, last, Player.WAIT);
            List<JsonNode> frames = new ArrayList<>();
            connections.forEach(c -> frames.addAll(c.roomFrames(ROOM)));
            if (subscriber.getKey().equals("pub-3")) {
                assertThat(Seqs.of(frames).getFirst()).as("pub-3 joined with since 0").isEqualTo(1);
            }
            assertThat(Seqs.of(frames)).as("%s over %d connection(s)", subscriber.getKey(), connections.size())
                    .isEqualTo(Seqs.range(1, last));
            List<String> events = Seqs.events(frames);
            acked.forEach((seq, id) -> assertThat(events).as("%s holds acked event %d", subscriber.getKey(), seq)
                    .contains(seq + "/" + id));
            if (reference == null) {
                reference = events;
            } else {
                assertThat(events).as("%s saw what the others saw", subscriber.getKey()).isEqualTo(reference);
            }
        }
    }

    private static Player subscribed(Player player) {
        player.ack("subscribe", "{\"room\":\"" + ROOM + "\"}");
        return player;
    }

    /** The watcher dropped with 1001 connects to {@code node} and resumes where it stopped. */
    private static Player resume(Player dropped, ChildNode node) {
        List<JsonNode> seen = dropped.roomFrames(ROOM);
        long since = seen.isEmpty() ? 0 : seen.getLast().path("seq").asLong();
        Player again = Player.connect(node.privateWs(), dropped.userId());
        JsonNode resumed = again.ack("subscribe", "{\"room\":\"" + ROOM + "\",\"since\":" + since + "}");
        assertThat(resumed.path("recovered").asBoolean()).as("%s", resumed).isTrue();
        return again;
    }

    /**
     * Releases phase {@code index}'s broadcasts unless released already, and waits until all are acked;
     * a publisher that failed meanwhile fails the test with its own error.
     */
    private static void phase(Semaphore permits, AtomicInteger published, List<Future<Void>> running, int index) {
        int target = 0;
        for (int i = 0; i <= index; i++) {
            target += PHASES[i];
        }
        if (index == 0) {
            permits.release(PHASES[0]);
        }
        int goal = target;
        await("phase " + index + ": " + goal + " broadcasts acked").atMost(PHASE_LIMIT)
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    for (Future<Void> publisher : running) {
                        if (publisher.isDone()) {
                            publisher.get(); // a publisher that stopped early failed: show why
                        }
                    }
                    return published.get() >= goal;
                });
    }
}
