package dev.gamestate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.core.CloseCode;
import dev.gamestate.core.Principal;
import dev.gamestate.event.Connection;
import dev.gamestate.event.Push;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A connection without a socket, for service tests: every frame queued on it, acks included, is kept
 * in order.
 */
public final class RecordingConnection implements Connection {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PRESENCE = "core.game.state.presence";

    private final String sessionId;
    private final Principal principal;
    private final List<byte[]> frames = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;
    private volatile Optional<CloseCode> closedWith = Optional.empty();

    /** A player connection with a random session id. */
    public static RecordingConnection player(String userId) {
        return new RecordingConnection("s-" + java.util.UUID.randomUUID(), Principal.player(userId));
    }

    /** A guest connection with a random session id. */
    public static RecordingConnection guest(String userId) {
        return new RecordingConnection("s-" + java.util.UUID.randomUUID(), Principal.guest(userId));
    }

    /** A connection of {@code principal} with session {@code sessionId}. */
    public RecordingConnection(String sessionId, Principal principal) {
        this.sessionId = sessionId;
        this.principal = principal;
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public Principal principal() {
        return principal;
    }

    @Override
    public void push(Push push) {
        if (open) {
            frames.add(push.utf8());
        }
    }

    /** Queues a reply frame, as the transport does before running the reply's afterSend. */
    public void reply(byte[] frame) {
        frames.add(frame);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Marks the socket closed; later pushes are dropped. */
    public void close() {
        open = false;
    }

    @Override
    public void close(CloseCode code) {
        if (open) {
            closedWith = Optional.of(code);
        }
        open = false;
    }

    /** The code the server closed it with, if it did. */
    public Optional<CloseCode> closedWith() {
        return closedWith;
    }

    /** Every frame so far, parsed. */
    public List<JsonNode> frames() {
        return frames.stream().map(RecordingConnection::parse).toList();
    }

    /**
     * The pushed events so far (no acks), presence events aside: those come to every subscriber of a
     * room with presence as users join and leave; {@link #events(String)} lists them.
     */
    public List<JsonNode> events() {
        return frames().stream().filter(f -> !f.path("type").asText().equals("ack")
                && !f.path("type").asText().equals(PRESENCE)).toList();
    }

    /** The pushed events of {@code type}. */
    public List<JsonNode> events(String type) {
        return frames().stream().filter(f -> f.path("type").asText().equals(type)).toList();
    }

    /** The seqs of the events pushed for {@code room} (those of its stream: with a seq), in the order they came. */
    public List<Long> seqs(String room) {
        return events().stream().filter(f -> f.path("room").asText().equals(room) && f.has("seq"))
                .map(f -> f.path("seq").asLong()).toList();
    }

    /** Forgets the frames so far. */
    public void clear() {
        frames.clear();
    }

    private static JsonNode parse(byte[] frame) {
        try {
            return MAPPER.readTree(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return sessionId + "(" + principal.userId() + ")";
    }
}
