package dev.gamestate.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.event.EventEncoder;
import dev.gamestate.event.OutboundEvent;
import dev.gamestate.state.JsonValues;
import dev.gamestate.state.RoomCommitter;
import dev.gamestate.state.RoomLog;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * A room's state and event log in etcd. The state key holds {@code {"seq","epoch","state"}}; events
 * are log keys whose values are the events' encoded wire frames (one, or a run of them), so every node pushes the stored bytes as
 * they are. Appends go through the node's {@link RoomCommitter}: appends to one room (and to many)
 * share transactions, each moving the state to the next seqs, writing their log entries and trimming
 * what fell out of the history, guarded by the state's mod revision, so two writers of one room never
 * get the same seq.
 */
final class RoomStream {

    /**
     * A room's state as read.
     *
     * @param seq         the seq of its last event
     * @param state       its state
     * @param epoch       its stream's epoch; empty for a room never written (or not since epochs began)
     * @param modRevision the state key's mod revision; 0 when the key does not exist
     * @param revision    the revision of the read: a watch from {@code revision + 1} misses nothing after it
     */
    record RoomState(long seq, JsonNode state, Optional<String> epoch, long modRevision, long revision) {
    }

    /** One entry of a room's log: its seq and the stored frame. */
    record LoggedEvent(long seq, byte[] frame) {
    }

    private final RoomLog log;
    private final JsonValues json;
    private final EventEncoder encoder;
    private final GameConfig.Rooms config;
    private final RoomCommitter committer;

    RoomStream(RoomLog log, JsonValues json, EventEncoder encoder, GameConfig.Rooms config, RoomCommitter committer) {
        this.log = log;
        this.json = json;
        this.encoder = encoder;
        this.config = config;
        this.committer = committer;
    }

    /** The room's state and seq; a linearizable read. A room never written is at seq 0 with {@code {}}. */
    CompletableFuture<RoomState> read(Namespace ns, String room) {
        return committer.read(ns, room).thenApply(r ->
                new RoomState(r.room().seq(), r.room().state(),
                        Optional.of(r.room().epoch()).filter(e -> !e.isEmpty()), r.room().modRevision(), r.revision()));
    }

    /** Deletes the room's stream and starts a new epoch; completes with it. */
    CompletableFuture<String> delete(Namespace ns, String room) {
        return committer.delete(ns, room);
    }

    /** The log entries from {@code from} to {@code to} (both inclusive) that etcd still holds, in seq order. */
    CompletableFuture<List<LoggedEvent>> readLog(Namespace ns, String room, long from, long to) {
        return log.read(ns, room, from, to).thenApply(entries -> entries.stream()
                .map(entry -> new LoggedEvent(entry.seq(), entry.frame()))
                .toList());
    }

    /**
     * Appends one event to the room's stream, applying {@code patch} (when present) to its state, and
     * completes with the event's seq once etcd committed it. {@code eventAt} builds the event for the
     * seq it gets.
     *
     * @throws GameException {@code too_large} when the patched state would pass {@code rooms.maxStateBytes}
     *                       or the encoded event {@code rooms.maxEventBytes};
     *                       {@code unavailable} when etcd cannot be reached or the room stays contended
     */
    CompletableFuture<Long> append(Namespace ns, String room, Optional<JsonNode> patch,
                                   LongFunction<OutboundEvent.InRoom<?>> eventAt) {
        return committer.append(ns, room, step(patch, eventAt));
    }

    /**
     * As {@link #append}, at most once per {@code once} (a user's request id in the room) within the
     * room's history window; a copy of a request committed before is answered with its seq and event id.
     */
    CompletableFuture<RoomCommitter.Appended> appendOnce(Namespace ns, String room, RoomCommitter.Once once,
                                                         Optional<JsonNode> patch,
                                                         LongFunction<OutboundEvent.InRoom<?>> eventAt) {
        return committer.appendOnce(ns, room, once, step(patch, eventAt));
    }

    private RoomCommitter.Append step(Optional<JsonNode> patch, LongFunction<OutboundEvent.InRoom<?>> eventAt) {
        return (seq, state) -> {
            JsonNode next = patch.isPresent() ? MergePatch.apply(state, patch.get()) : state;
            byte[] stateBytes = json.write(next);
            if (patch.isPresent() && stateBytes.length > config.maxStateBytes()) {
                throw new GameException(ErrorCode.TOO_LARGE, "the room's state would be " + stateBytes.length
                        + " bytes, over the limit of " + config.maxStateBytes());
            }
            byte[] frame = encoder.encode(eventAt.apply(seq + 1));
            if (frame.length > config.maxEventBytes()) {
                throw new GameException(ErrorCode.TOO_LARGE, "the event would be " + frame.length
                        + " bytes, over the limit of " + config.maxEventBytes() + " (rooms.maxEventBytes)");
            }
            return new RoomCommitter.Step(next, stateBytes, frame);
        };
    }
}
