package dev.gamestate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real WebSocket client (the JDK's) for tests: it keeps every frame the server sent, in order, and
 * waits for the ones a test asks for.
 */
public final class WsClient implements AutoCloseable {

    /** How long a test waits for a frame. */
    public static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    // Frames already pulled from the inbox but not yet taken by an await, in arrival order.
    private final List<JsonNode> seen = new ArrayList<>();
    private final CompletableFuture<Integer> closeCode;
    private final AtomicInteger ids = new AtomicInteger();

    private WsClient(WebSocket socket, CompletableFuture<Integer> closeCode) {
        this.socket = socket;
        this.closeCode = closeCode;
    }

    /**
     * Connects to {@code uri} with {@code headers}.
     *
     * @throws HandshakeRefused when the server answered the upgrade with an HTTP error
     */
    public static WsClient connect(URI uri, Map<String, String> headers) {
        Listener listener = new Listener();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(builder::header);
        try {
            WebSocket socket = builder.buildAsync(uri, listener).join();
            WsClient client = new WsClient(socket, listener.closeCode);
            synchronized (listener) {
                listener.client = client;
                listener.pending.forEach(client.inbox::add);
            }
            return client;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                throw new HandshakeRefused(refused.getResponse().statusCode(),
                        String.valueOf(refused.getResponse().body()));
            }
            throw e;
        }
    }

    /** Sends raw text. */
    public void sendText(String text) {
        socket.sendText(text, true).join();
    }

    /** Sends a binary frame. */
    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** Sends a request of {@code type} with {@code payload} (a JSON object text); returns its id. */
    public String send(String type, String payloadJson) {
        String id = "r-" + ids.incrementAndGet();
        sendText("{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"payload\":" + payloadJson + "}");
        return id;
    }

    /** Sends a request and waits for its reply ({@code ack} or {@code error}). */
    public JsonNode request(String type, String payloadJson) {
        return awaitReply(send(type, payloadJson));
    }

    /** Sends a request that must be acked; returns the ack's result. */
    public JsonNode ack(String type, String payloadJson) {
        JsonNode reply = request(type, payloadJson);
        if (!reply.path("type").asText().equals("ack")) {
            throw new AssertionError("expected an ack for " + type + ", got " + reply);
        }
        return reply.get("result");
    }

    /** Waits for the reply to request {@code id}. */
    public JsonNode awaitReply(String id) {
        return await(f -> (f.path("type").asText().equals("ack") || f.path("type").asText().equals("error"))
                && f.path("id").asText().equals(id), "reply to " + id);
    }

    /** Waits for the next frame of {@code type}. */
    public JsonNode awaitType(String type) {
        return await(f -> f.path("type").asText().equals(type), "a " + type + " frame");
    }

    /**
     * Waits for the first frame matching {@code match} and takes it; frames it passes over stay
     * buffered, in order, for later awaits.
     */
    public JsonNode await(Predicate<JsonNode> match, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            synchronized (seen) {
                for (int i = 0; i < seen.size(); i++) {
                    if (match.test(seen.get(i))) {
                        return seen.remove(i);
                    }
                }
            }
            long left = deadline - System.nanoTime();
            JsonNode frame;
            try {
                frame = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
            if (frame == null) {
                String unmatched = pending().toString();
                if (unmatched.length() > 2000) { // a flood of frames must not flood the report
                    unmatched = unmatched.substring(0, 2000) + "… (" + pending().size() + " frames)";
                }
                String state = closeCode.isDone() ? "closed with " + closeCode.getNow(0) : "open";
                throw new AssertionError("no " + what + " within " + WAIT + " (socket " + state + "); unmatched frames: "
                        + unmatched);
            }
            synchronized (seen) {
                seen.add(frame);
            }
        }
    }

    /** The next frame not yet taken, whatever it is, or null when none comes within {@code wait}. */
    public JsonNode poll(Duration wait) {
        synchronized (seen) {
            if (!seen.isEmpty()) {
                return seen.remove(0);
            }
        }
        try {
            return inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Frames received but not yet taken by an await or poll, in arrival order. */
    public List<JsonNode> pending() {
        List<JsonNode> all;
        synchronized (seen) {
            all = new ArrayList<>(seen);
        }
        all.addAll(inbox);
        return all;
    }

    /** Waits for the server to close the socket; returns the close code. */
    public int awaitClose() {
        try {
            return closeCode.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("socket not closed by the server within " + WAIT, e);
        }
    }

    /** True once the server closed the socket (or it broke). */
    public boolean isClosed() {
        return closeCode.isDone();
    }

    /** Builds a JSON object node, for payloads. */
    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    /** The server refused the upgrade with an HTTP status. */
    public static final class HandshakeRefused extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final int status;

        HandshakeRefused(int status, String body) {
            super("upgrade refused with HTTP " + status + ": " + body);
            this.status = status;
        }

        /** The HTTP status of the refusal. */
        public int status() {
            return status;
        }
    }

    private static final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();
        private final List<JsonNode> pending = new ArrayList<>();
        private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private volatile WsClient client;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = JSON.readTree(partial.toString());
                    synchronized (this) {
                        if (client == null) {
                            pending.add(frame);
                        } else {
                            client.inbox.add(frame);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(-1);
        }
    }
}
