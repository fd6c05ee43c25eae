package dev.gamestate.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.auth.DevTokens;
import dev.gamestate.config.Secret;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One player connection as the fault tests drive it: every frame after {@code welcome} is kept in
 * arrival order, replies are matched by id, and a wait ends early when the socket is gone (a node
 * that was killed never answers). Used by one thread at a time.
 */
final class Player implements AutoCloseable {

    /** How long a test waits for a reply or a frame unless it says otherwise. */
    static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration TICK = Duration.ofMillis(50);

    private final String userId;
    private final WsClient socket;
    private final JsonNode welcome;
    private final List<JsonNode> frames = new ArrayList<>();
    private final Map<String, JsonNode> replies = new HashMap<>();

    private Player(String userId, WsClient socket, JsonNode welcome) {
        this.userId = userId;
        this.socket = socket;
        this.welcome = welcome;
    }

    /** Connects {@code userId} with a valid token to a node's private endpoint, past its welcome. */
    static Player connect(URI privateWs, String userId) {
        String token = DevTokens.mint(new Secret(TestNode.JWT_SECRET), userId, Duration.ofHours(1), Clock.systemUTC());
        WsClient socket = WsClient.connect(privateWs, Map.of("Authorization", "Bearer " + token));
        return new Player(userId, socket, socket.awaitType("welcome"));
    }

    String userId() {
        return userId;
    }

    /** This connection's session id. */
    String sessionId() {
        return welcome.path("payload").path("sessionId").asText();
    }

    /** Sends a request; returns its id. */
    String send(String type, String payloadJson) {
        return socket.send(type, payloadJson);
    }

    /** The reply to {@code id}; empty when the socket closed or {@code wait} passed without one. */
    Optional<JsonNode> reply(String id, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!replies.containsKey(id)) {
            if (!pumpOne() && (socket.isClosed() || System.nanoTime() > deadline)) {
                return Optional.empty();
            }
        }
        return Optional.of(replies.remove(id));
    }

    /** Sends a request and returns its reply, {@code ack} or {@code error}. */
    JsonNode request(String type, String payloadJson) {
        String id = send(type, payloadJson);
        return reply(id, WAIT).orElseThrow(() -> new AssertionError("no reply to " + type + " " + payloadJson
                + " within " + WAIT + " (closed: " + socket.isClosed() + ")"));
    }

    /** Sends a request that must be acked; returns the ack's result. */
    JsonNode ack(String type, String payloadJson) {
        JsonNode reply = request(type, payloadJson);
        if (!reply.path("type").asText().equals("ack")) {
            throw new AssertionError("expected an ack for " + type + " " + payloadJson + ", got " + reply);
        }
        return reply.get("result");
    }

    /** Waits until a frame matching {@code match} has arrived (it stays in {@link #frames()}); returns it. */
    JsonNode awaitFrame(Predicate<JsonNode> match, Duration wait, String what) {
        long deadline = System.nanoTime() + wait.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < frames.size(); checked++) {
                if (match.test(frames.get(checked))) {
                    return frames.get(checked);
                }
            }
            if (!pumpOne() && (socket.isClosed() || System.nanoTime() > deadline)) {
                throw new AssertionError(userId + ": no " + what + " within " + wait + " (closed: "
                        + socket.isClosed() + "); room frames: " + Seqs.describe(frames));
            }
        }
    }

    /** Waits until this connection has had a frame of {@code room} at {@code seq} or later. */
    void awaitSeq(String room, long seq, Duration wait) {
        awaitFrame(f -> f.path("room").asText().equals(room) && f.path("seq").asLong() >= seq, wait,
                "event of " + room + " at seq " + seq);
    }

    /** Every frame after {@code welcome} that has arrived (events, pushes, replies), in arrival order. */
    List<JsonNode> frames() {
        takeArrived();
        return List.copyOf(frames);
    }

    /** The frames of {@code room} that carry a seq (events and snapshots), in arrival order. */
    List<JsonNode> roomFrames(String room) {
        return frames().stream().filter(f -> f.path("room").asText().equals(room) && f.has("seq")
                && !f.path("type").asText().equals("ack")).toList();
    }

    /** The pushed frames of {@code type}, in arrival order. */
    List<JsonNode> framesOfType(String type) {
        return frames().stream().filter(f -> f.path("type").asText().equals(type)).toList();
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    /** Waits for the socket to end; the close code, or -1 when it broke without one. */
    int awaitClose() {
        return socket.awaitClose();
    }

    private void takeArrived() {
        while (take(Duration.ZERO)) {
            // keep taking
        }
    }

    /** Takes one frame if one comes within a tick; false when none did. */
    private boolean pumpOne() {
        return take(TICK);
    }

    private boolean take(Duration wait) {
        JsonNode frame = socket.poll(wait);
        if (frame == null) {
            return false;
        }
        String type = frame.path("type").asText();
        if ((type.equals("ack") || type.equals("error")) && frame.hasNonNull("id")) {
            replies.put(frame.get("id").asText(), frame);
        }
        frames.add(frame);
        return true;
    }

    @Override
    public void close() {
        socket.close();
    }
}
