package dev.gamestate.rooms;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.Namespace;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Decides what a {@code subscribe} with {@code since} replays. The history reaches back to
 * {@code since} when the log still holds every event from {@code since + 1} to the current seq (no
 * more than {@code rooms.historySize} of them) and the oldest of them is younger than
 * {@code rooms.historyTtl}. Log keys also carry a shared lease that removes them from etcd some time
 * after the TTL; the timestamp check makes the window exact.
 */
final class History {

    /**
     * What to replay.
     *
     * @param recovered whether the history reached back to {@code since}; empty without {@code since}
     * @param events    the events to push after the ack, in seq order
     */
    record Replay(Optional<Boolean> recovered, List<RoomStream.LoggedEvent> events) {

        static final Replay NONE = new Replay(Optional.empty(), List.of());
        static final Replay LOST = new Replay(Optional.of(false), List.of());
    }

    private final RoomStream stream;
    private final GameConfig.Rooms config;
    private final ObjectMapper mapper;
    private final Clock clock;

    History(RoomStream stream, GameConfig.Rooms config, ObjectMapper mapper, Clock clock) {
        this.stream = stream;
        this.config = config;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** The replay for a client that last saw {@code since}, the room being at {@code seq} now. */
    CompletableFuture<Replay> since(Namespace ns, String room, OptionalLong since, long seq) {
        if (since.isEmpty()) {
            return CompletableFuture.completedFuture(Replay.NONE);
        }
        long from = since.getAsLong() + 1;
        long missed = seq - since.getAsLong();
        if (missed == 0) {
            return CompletableFuture.completedFuture(new Replay(Optional.of(true), List.of()));
        }
        if (missed < 0 || missed > config.historySize()) {
            // A since ahead of the room cannot be trusted; one too far back is beyond the history.
            return CompletableFuture.completedFuture(Replay.LOST);
        }
        return stream.readLog(ns, room, from, seq).thenApply(events -> {
            boolean complete = events.size() == missed && events.getFirst().seq() == from;
            if (!complete || !isFresh(events.getFirst().frame())) {
                return Replay.LOST;
            }
            return new Replay(Optional.of(true), events);
        });
    }

    private boolean isFresh(byte[] frame) {
        Optional<Instant> at = timestamp(frame);
        return at.isPresent() && !at.get().isBefore(clock.instant().minus(config.historyTtl()));
    }

    /** The top-level {@code timestamp} of an encoded event, read without building the tree. */
    private Optional<Instant> timestamp(byte[] frame) {
        try (JsonParser parser = mapper.getFactory().createParser(frame)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (name.equals("timestamp")) {
                    return Optional.of(Instant.parse(parser.getText()));
                }
                parser.skipChildren();
            }
            return Optional.empty();
        } catch (IOException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
