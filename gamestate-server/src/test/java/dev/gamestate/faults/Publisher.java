package dev.gamestate.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A player publishing into one room on its own thread, one broadcast per permit, as fast as the acks
 * come. When its node closes the socket with 1001 it does what a client should: connects to the
 * fallback node, subscribes with {@code since} = the last seq it saw, and publishes on; the request
 * whose ack was lost is sent again. Every tenth broadcast it also buys a potion, with a request id of
 * its own that a retry repeats. Every ack is recorded.
 */
final class Publisher implements Callable<Void> {

    private static final Duration NO_PERMIT_TICK = Duration.ofMillis(100);
    /** Every this many broadcasts the publisher also buys a potion. */
    private static final int BUY_EVERY = 10;

    private final String userId;
    private final String room;
    private final URI fallback;
    private final Semaphore permits;
    private final AtomicBoolean done;
    private final AtomicInteger published;
    private final Map<Long, String> acked;
    private final List<Player> connections = new ArrayList<>();
    private final List<String> purchases = new ArrayList<>();
    private int sent;

    /**
     * A publisher already connected and subscribed on {@code first}; records acks in {@code acked}
     * (seq to event id) and counts them in {@code published}. It stops once {@code done} is set and no
     * permit is left.
     */
    Publisher(Player first, String room, URI fallback, Semaphore permits, AtomicBoolean done,
              AtomicInteger published, Map<Long, String> acked) {
        this.userId = first.userId();
        this.room = room;
        this.fallback = fallback;
        this.permits = permits;
        this.done = done;
        this.published = published;
        this.acked = acked;
        this.connections.add(first);
    }

    /** A map for {@code acked}, shared by publishers on several threads. */
    static Map<Long, String> ackLog() {
        return new ConcurrentHashMap<>();
    }

    @Override
    public Void call() throws InterruptedException {
        while (true) {
            if (!permits.tryAcquire(NO_PERMIT_TICK.toMillis(), TimeUnit.MILLISECONDS)) {
                if (done.get()) {
                    return null;
                }
                continue;
            }
            publishOne();
            published.incrementAndGet();
        }
    }

    /** Every connection this publisher had, in order; read once its thread finished. */
    List<Player> connections() {
        return List.copyOf(connections);
    }

    /** The request ids of this publisher's purchases, each acked. */
    Set<String> purchases() {
        return Set.copyOf(purchases);
    }

    private void publishOne() {
        sent++;
        JsonNode result = ackAcrossRestarts("core.game.state.broadcast",
                "{\"room\":\"" + room + "\",\"data\":{\"from\":\"" + userId + "\",\"n\":" + sent + "}}");
        acked.put(result.path("seq").asLong(), result.path("eventId").asText());
        if (sent % BUY_EVERY == 0) {
            String requestId = userId + "-buy-" + sent;
            ackAcrossRestarts("core.game.state.buy_good",
                    "{\"goodId\":\"potion\",\"requestId\":\"" + requestId + "\"}");
            purchases.add(requestId);
        }
    }

    /**
     * Sends a request until it is acked: again after {@code unavailable}, and again on the fallback
     * node when the socket closed before the reply (a lost ack: the request may or may not have been
     * done).
     */
    private JsonNode ackAcrossRestarts(String type, String payload) {
        while (true) {
            Player player = connections.getLast();
            JsonNode reply;
            try {
                reply = player.reply(player.send(type, payload), Player.WAIT).orElse(null);
            } catch (CompletionException e) {
                reply = null; // the socket was closed under the send
            }
            if (reply == null) {
                assertThat(player.isClosed()).as("%s: no reply to %s on an open socket", userId, type).isTrue();
                assertThat(player.awaitClose()).as("%s: the node's close code", userId).isEqualTo(1001);
                resumeOnFallback(player);
            } else if (reply.path("type").asText().equals("ack")) {
                return reply.get("result");
            } else {
                // The room was contended or etcd slow: the protocol says retry.
                assertThat(reply.path("error").path("code").asText()).as("%s: %s", userId, reply)
                        .isEqualTo("unavailable");
            }
        }
    }

    private void resumeOnFallback(Player closed) {
        List<JsonNode> seen = closed.roomFrames(room);
        long since = seen.isEmpty() ? 0 : seen.getLast().path("seq").asLong();
        Player again = Player.connect(fallback, userId);
        connections.add(again);
        JsonNode resumed = again.ack("subscribe", "{\"room\":\"" + room + "\",\"since\":" + since + "}");
        assertThat(resumed.path("recovered").asBoolean()).as("%s resumed at %d: %s", userId, since, resumed).isTrue();
    }
}
