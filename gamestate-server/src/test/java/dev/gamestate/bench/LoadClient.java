package dev.gamestate.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket client of a load run. It answers for its own requests (ack latency) and checks the
 * room events it gets: per room, {@code seq} must go up by exactly one from the subscribe ack's seq.
 * The JDK calls a socket's listener one message at a time, so the per-room seqs need no lock.
 */
final class LoadClient implements WebSocket.Listener {

    private final int index;
    private final ObjectMapper mapper;
    private final LoadStats stats;
    private final LoadWindow window;
    /** The highest seq acked to any client, per room; shared by all clients. */
    private final Map<String, Long> ackedSeqs;
    private final Map<String, Long> lastSeqs = new ConcurrentHashMap<>();
    /** Measured requests in flight: request id to the nanoTime it was sent. */
    private final Map<String, Long> inFlight = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonNode>> subscribing = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final CompletableFuture<Void> welcomed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private volatile boolean closed;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    LoadClient(int index, ObjectMapper mapper, LoadStats stats, LoadWindow window, Map<String, Long> ackedSeqs) {
        this.index = index;
        this.mapper = mapper;
        this.stats = stats;
        this.window = window;
        this.ackedSeqs = ackedSeqs;
    }

    /** Opens the socket and completes once {@code welcome} arrived. */
    CompletableFuture<Void> connect(HttpClient http, URI uri, Optional<String> bearer) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        bearer.ifPresent(token -> builder.header("Authorization", "Bearer " + token));
        builder.buildAsync(uri, this).whenComplete((ws, error) -> {
            if (error != null) {
                stats.error("connect failed: " + rootMessage(error));
                welcomed.completeExceptionally(error);
            }
        });
        return welcomed;
    }

    /** Subscribes to {@code room}; completes with the ack's result. */
    CompletableFuture<JsonNode> subscribe(String room) {
        String id = "s-" + requestIds.incrementAndGet();
        CompletableFuture<JsonNode> acked = new CompletableFuture<>();
        subscribing.put(id, acked);
        ObjectNode payload = mapper.createObjectNode().put("room", room);
        send(request(id, "subscribe", payload));
        return acked;
    }

    /** Broadcasts to {@code room} with the send time stamped in {@code data}. */
    void broadcast(String room, boolean withPatch) {
        long now = System.nanoTime();
        String id = "b-" + requestIds.incrementAndGet();
        ObjectNode payload = mapper.createObjectNode().put("room", room);
        payload.putObject("data").put("t", now).put("from", index);
        if (withPatch) {
            payload.putObject("patch").putObject("last").put("by", index).put("n", requestIds.get());
        }
        track(id, now);
        send(request(id, "core.game.state.broadcast", payload));
    }

    /** Sends a {@code ping}. */
    void ping() {
        long now = System.nanoTime();
        String id = "p-" + requestIds.incrementAndGet();
        track(id, now);
        send(request(id, "ping", mapper.createObjectNode()));
    }

    private void track(String id, long now) {
        inFlight.put(id, now);
        if (window.measures(now)) {
            stats.sent.increment();
        }
    }

    private String request(String id, String type, ObjectNode payload) {
        ObjectNode request = mapper.createObjectNode().put("id", id).put("type", type);
        request.set("payload", payload);
        return request.toString();
    }

    /** The JDK allows one outstanding send per socket: each send waits for the one before. */
    private synchronized void send(String text) {
        if (closed) {
            stats.error("send on a closed socket");
            return;
        }
        sending = sending.thenCompose(v -> socket.sendText(text, true)).exceptionally(e -> {
            stats.error("send failed: " + rootMessage(e));
            return null;
        });
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        if (!last) {
            partial.append(data);
        } else if (partial.isEmpty()) {
            handle(data.toString());
        } else {
            String text = partial.append(data).toString();
            partial.setLength(0);
            handle(text);
        }
        webSocket.request(1);
        return null;
    }

    private void handle(String text) {
        long now = System.nanoTime();
        JsonNode frame;
        try {
            frame = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            stats.error("unreadable frame");
            return;
        }
        switch (frame.path("type").asText()) {
            case "welcome" -> welcomed.complete(null);
            case "ack" -> answered(frame.path("id").asText(), now, Optional.of(frame.path("result")));
            case "error" -> {
                stats.error(frame.path("error").path("code").asText("?"));
                answered(frame.path("id").asText(), now, Optional.empty());
            }
            case "snapshot" -> {
                stats.snapshots.increment();
                lastSeqs.computeIfPresent(frame.path("room").asText(), (r, last) -> Math.max(last, frame.path("seq").asLong()));
            }
            default -> roomEvent(frame, now);
        }
    }

    private void answered(String id, long now, Optional<JsonNode> result) {
        CompletableFuture<JsonNode> subscribed = subscribing.remove(id);
        if (subscribed != null) {
            if (result.isPresent()) {
                lastSeqs.put(result.get().path("room").asText(), result.get().path("seq").asLong());
                subscribed.complete(result.get());
            } else {
                subscribed.completeExceptionally(new IllegalStateException("subscribe refused"));
            }
            return;
        }
        Long sentAt = inFlight.remove(id);
        if (sentAt == null) {
            return;
        }
        if (result.isPresent() && result.get().has("seq")) {
            ackedSeqs.merge(result.get().path("room").asText(), result.get().path("seq").asLong(), Math::max);
        }
        if (window.measures(sentAt)) {
            stats.ack((now - sentAt) / 1000);
            if (result.isPresent() && result.get().has("room")) {
                stats.acked(result.get().path("room").asText());
            } else if (result.isPresent()) {
                stats.acked.increment();
            }
        }
    }

    private void roomEvent(JsonNode frame, long now) {
        JsonNode seqNode = frame.get("seq");
        if (seqNode == null) {
            return; // not a room event (a direct message, a purchase): nothing to check
        }
        String room = frame.path("room").asText();
        long seq = seqNode.asLong();
        Long last = lastSeqs.get(room);
        if (last == null) {
            stats.early.increment();
        } else if (seq == last + 1) {
            lastSeqs.put(room, seq);
        } else if (seq > last + 1) {
            stats.gaps.increment();
            lastSeqs.put(room, seq);
        } else {
            stats.duplicates.increment();
        }
        JsonNode stamp = frame.path("payload").path("data").path("t");
        if (stamp.isIntegralNumber() && window.measures(stamp.asLong())) {
            stats.delivered.increment();
            stats.fanOut((now - stamp.asLong()) / 1000);
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed = true;
        stats.closed(statusCode, reason);
        welcomed.completeExceptionally(new IllegalStateException("closed with " + statusCode + " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed = true;
        stats.error("socket error: " + rootMessage(error));
        welcomed.completeExceptionally(error);
    }

    /** Requests still waiting for their answer. */
    int inFlight() {
        return inFlight.size();
    }

    /** Events this client has not seen yet although they were acked: the rooms' acked seq minus its last seq. */
    long behind() {
        if (closed) {
            return 0;
        }
        long behind = 0;
        for (Map.Entry<String, Long> room : lastSeqs.entrySet()) {
            behind += Math.max(0, ackedSeqs.getOrDefault(room.getKey(), 0L) - room.getValue());
        }
        return behind;
    }

    boolean isClosed() {
        return closed;
    }

    /** Starts the closing handshake; the caller exits the process shortly after in any case. */
    void close() {
        WebSocket ws = socket;
        if (ws != null && !closed) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "load run over").exceptionally(e -> null);
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }
}
