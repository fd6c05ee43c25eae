package dev.gamestate.rooms;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
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

    /**
     * The replay for a client that last saw {@code since} (of {@code epoch}, when it says), the room
     * being at {@code now}. A seq of another epoch means nothing in this stream: not recovered.
     */
    CompletableFuture<Replay> since(Namespace ns, String room, OptionalLong since, Optional<String> epoch,
                                    RoomStream.RoomState now) {
        if (since.isEmpty()) {
            return CompletableFuture.completedFuture(Replay.NONE);
        }
        if (epoch.isPresent() && !epoch.equals(now.epoch())) {
            return CompletableFuture.completedFuture(Replay.LOST);
        }
        long seq = now.seq();
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

    /**
     * A page of the room's log for {@code history}: the events after {@code since} (at most
     * {@code limit}), or the latest {@code limit}; when {@code since} is out of the history's reach or
     * of another epoch, the latest page, not recovered. Events older than {@code rooms.historyTtl} are
     * out of reach though etcd may still hold them.
     */
    CompletableFuture<HistoryResult> page(Namespace ns, String room, OptionalLong since, int limit,
                                          Optional<String> epoch, RoomStream.RoomState now) {
        long seq = now.seq();
        if (since.isPresent() && (epoch.isEmpty() || epoch.equals(now.epoch()))) {
            long after = since.getAsLong();
            if (after == seq) {
                return CompletableFuture.completedFuture(new HistoryResult(room, seq, now.epoch(), List.of(), true));
            }
            if (after < seq && seq - after <= config.historySize()) {
                long to = Math.min(seq, after + limit);
                return stream.readLog(ns, room, after + 1, to).thenCompose(events -> {
                    List<RoomStream.LoggedEvent> fresh = fresh(events);
                    if (fresh.size() == to - after && fresh.getFirst().seq() == after + 1) {
                        return CompletableFuture.completedFuture(result(room, now, fresh, true));
                    }
                    return latest(ns, room, limit, now, false);
                });
            }
            return latest(ns, room, limit, now, false);
        }
        return latest(ns, room, limit, now, since.isEmpty());
    }

    /** The latest {@code limit} events; recovered when asked and all of them are there. */
    private CompletableFuture<HistoryResult> latest(Namespace ns, String room, int limit, RoomStream.RoomState now,
                                                    boolean recoveredIfWhole) {
        long seq = now.seq();
        if (seq == 0) {
            return CompletableFuture.completedFuture(new HistoryResult(room, 0, now.epoch(), List.of(), recoveredIfWhole));
        }
        long from = Math.max(1, seq - limit + 1);
        return stream.readLog(ns, room, from, seq).thenApply(events -> {
            List<RoomStream.LoggedEvent> fresh = fresh(events);
            boolean whole = fresh.size() == seq - from + 1;
            return result(room, now, fresh, recoveredIfWhole && whole);
        });
    }

    /** The events from the first one younger than the history's TTL on (the log is in seq order). */
    private List<RoomStream.LoggedEvent> fresh(List<RoomStream.LoggedEvent> events) {
        for (int i = 0; i < events.size(); i++) {
            if (isFresh(events.get(i).frame())) {
                return events.subList(i, events.size());
            }
        }
        return List.of();
    }

    private HistoryResult result(String room, RoomStream.RoomState now, List<RoomStream.LoggedEvent> events,
                                 boolean recovered) {
        List<JsonNode> frames = new ArrayList<>(events.size());
        for (RoomStream.LoggedEvent event : events) {
            try {
                frames.add(mapper.readTree(event.frame()));
            } catch (IOException e) {
                throw new GameException(ErrorCode.INTERNAL, "a stored event of room " + room + " is unreadable", e);
            }
        }
        return new HistoryResult(room, now.seq(), now.epoch(), frames, recovered);
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
