package dev.gamestate.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.event.EventEncoder;
import dev.gamestate.event.OutboundEvent;
import dev.gamestate.state.Etcd;
import dev.gamestate.state.JsonValues;
import dev.gamestate.state.Keys;
import dev.gamestate.state.LeaseBuckets;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

/**
 * A room's state and event log in etcd. The state key holds {@code {"seq","state"}}; each event is a
 * log key whose value is the event's encoded wire frame, so every node pushes the stored bytes as
 * they are. One transaction moves the state to the next seq, writes that seq's log entry and trims
 * the entry that fell out of the history, guarded by the state's mod revision: two writers of one
 * room never get the same seq.
 */
final class RoomStream {

    /** Lost compare-and-swaps before giving up with {@code unavailable}. */
    private static final int MAX_ATTEMPTS = 10;
    private static final long RETRY_AFTER_MS = 200;
    private static final int LOG_PAGE = 128;

    /** What etcd holds under a room's state key. */
    record StoredRoom(long seq, JsonNode state) {
    }

    /**
     * A room's state as read.
     *
     * @param seq         the seq of its last event
     * @param state       its state
     * @param modRevision the state key's mod revision; 0 when the key does not exist
     */
    record RoomState(long seq, JsonNode state, long modRevision) {
    }

    /** One entry of a room's log: its seq and the stored frame. */
    record LoggedEvent(long seq, byte[] frame) {
    }

    /** {@link #commit} results that are not a revision. */
    private static final long CONFLICT = 0;
    private static final long LEASE_GONE = -1;

    private record RoomKey(Namespace ns, String room) {
    }

    /**
     * This node's queue of appends to one room: the turn the next append waits for, how many are
     * queued, and the room as the last commit left it (so a queued append need not read it again).
     */
    private record Queue(CompletableFuture<Void> tail, int depth, Optional<RoomState> lastCommitted) {
    }

    private final Etcd etcd;
    private final JsonValues json;
    private final EventEncoder encoder;
    private final GameConfig.Rooms config;
    private final LeaseBuckets history;
    // Appends to one room from this node wait their turn, so they do not race each other's compare;
    // the queue is bounded by rooms.maxPendingWrites, and an entry lives only while appends are queued.
    private final Map<RoomKey, Queue> queues = new ConcurrentHashMap<>();

    RoomStream(Etcd etcd, JsonValues json, EventEncoder encoder, GameConfig.Rooms config, LeaseBuckets history) {
        this.etcd = etcd;
        this.json = json;
        this.encoder = encoder;
        this.config = config;
        this.history = history;
    }

    /** The room's state and seq; a linearizable read. A room never written is at seq 0 with {@code {}}. */
    CompletableFuture<RoomState> read(Namespace ns, String room) {
        return etcd.call(() -> etcd.kv().get(stateKey(ns, room))).thenApply(r -> {
            if (r.getKvs().isEmpty()) {
                return new RoomState(0, JsonNodeFactory.instance.objectNode(), 0);
            }
            KeyValue kv = r.getKvs().getFirst();
            StoredRoom stored = json.read(kv.getValue(), StoredRoom.class);
            return new RoomState(stored.seq(), stored.state(), kv.getModRevision());
        });
    }

    /** The log entries from {@code from} to {@code to} (both inclusive) that etcd still holds, in seq order. */
    CompletableFuture<List<LoggedEvent>> readLog(Namespace ns, String room, long from, long to) {
        List<LoggedEvent> events = new ArrayList<>();
        return readPage(ns, room, from, to, events).thenApply(v -> events);
    }

    private CompletableFuture<Void> readPage(Namespace ns, String room, long from, long to, List<LoggedEvent> into) {
        if (from > to) {
            return CompletableFuture.completedFuture(null);
        }
        ByteSequence start = Keys.bytes(etcd.keys().roomEvent(ns, room, from));
        GetOption range = GetOption.builder()
                .withRange(Keys.bytes(etcd.keys().roomEvent(ns, room, to + 1)))
                .withLimit(LOG_PAGE)
                .build();
        return etcd.call(() -> etcd.kv().get(start, range)).thenCompose(r -> {
            for (KeyValue kv : r.getKvs()) {
                into.add(new LoggedEvent(seqOf(kv.getKey()), kv.getValue().getBytes()));
            }
            if (!r.isMore() || r.getKvs().isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            return readPage(ns, room, into.getLast().seq() + 1, to, into);
        });
    }

    /**
     * Appends one event to the room's stream, applying {@code patch} (when present) to its state, and
     * completes with the event's seq once etcd committed it. {@code eventAt} builds the event for the
     * seq it gets.
     *
     * @throws GameException {@code too_large} when the patched state would pass {@code rooms.maxStateBytes};
     *                       {@code unavailable} when etcd cannot be reached or the room stays contended
     */
    CompletableFuture<Long> append(Namespace ns, String room, Optional<JsonNode> patch,
                                   LongFunction<OutboundEvent> eventAt) {
        RoomKey key = new RoomKey(ns, room);
        CompletableFuture<Void> turn = new CompletableFuture<>();
        AtomicReference<CompletableFuture<Void>> previous = new AtomicReference<>();
        Queue queued = queues.compute(key, (k, q) -> {
            if (q == null) {
                return new Queue(turn, 1, Optional.empty());
            }
            if (q.depth() >= config.maxPendingWrites()) {
                return q; // full: this append is refused below
            }
            previous.set(q.tail());
            return new Queue(turn, q.depth() + 1, q.lastCommitted());
        });
        if (queued.tail() != turn) {
            return CompletableFuture.failedFuture(new GameException(ErrorCode.UNAVAILABLE, "room " + room
                    + " has " + config.maxPendingWrites() + " writes queued on this node; retry", RETRY_AFTER_MS));
        }
        CompletableFuture<Void> ready = previous.get() == null ? CompletableFuture.completedFuture(null) : previous.get();
        CompletableFuture<Long> appended = ready.thenCompose(v -> attempt(key, patch, eventAt, 1));
        appended.whenComplete((seq, error) -> {
            if (error != null) {
                forget(key); // an unknown outcome: the next append reads the room afresh
            }
            queues.computeIfPresent(key, (k, q) -> q.depth() <= 1 ? null : new Queue(q.tail(), q.depth() - 1,
                    q.lastCommitted()));
            turn.complete(null);
        });
        return appended;
    }

    private CompletableFuture<Long> attempt(RoomKey key, Optional<JsonNode> patch, LongFunction<OutboundEvent> eventAt,
                                            int attempt) {
        Optional<RoomState> known = attempt == 1
                ? Optional.ofNullable(queues.get(key)).flatMap(Queue::lastCommitted) : Optional.empty();
        CompletableFuture<RoomState> current = known.isPresent()
                ? CompletableFuture.completedFuture(known.get()) : read(key.ns(), key.room());
        return current.thenCompose(room -> {
            JsonNode next = patch.isPresent() ? MergePatch.apply(room.state(), patch.get()) : room.state();
            byte[] stateBytes = json.write(next);
            if (patch.isPresent() && stateBytes.length > config.maxStateBytes()) {
                throw new GameException(ErrorCode.TOO_LARGE, "the room's state would be " + stateBytes.length
                        + " bytes, over the limit of " + config.maxStateBytes());
            }
            long seq = room.seq() + 1;
            byte[] stored = storedRoom(seq, stateBytes);
            byte[] frame = encoder.encode(eventAt.apply(seq));
            return history.putOption()
                    .thenCompose(lease -> commit(key, room, seq, stored, frame, lease)
                            .thenCompose(revision -> {
                                if (revision > 0) {
                                    remember(key, new RoomState(seq, next, revision));
                                    return CompletableFuture.completedFuture(seq);
                                }
                                forget(key);
                                if (revision == LEASE_GONE) {
                                    history.forget(lease.getLeaseId());
                                }
                                return retry(key, patch, eventAt, attempt);
                            }));
        });
    }

    /** {@code {"seq":N,"state":…}} around already encoded state bytes: the state is serialised once. */
    private static byte[] storedRoom(long seq, byte[] state) {
        byte[] head = ("{\"seq\":" + seq + ",\"state\":").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + state.length + 1];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(state, 0, out, head.length, state.length);
        out[out.length - 1] = '}';
        return out;
    }

    private void remember(RoomKey key, RoomState state) {
        queues.computeIfPresent(key, (k, q) -> new Queue(q.tail(), q.depth(), Optional.of(state)));
    }

    private void forget(RoomKey key) {
        queues.computeIfPresent(key, (k, q) -> new Queue(q.tail(), q.depth(), Optional.empty()));
    }

    private CompletableFuture<Long> retry(RoomKey key, Optional<JsonNode> patch, LongFunction<OutboundEvent> eventAt,
                                          int attempt) {
        if (attempt >= MAX_ATTEMPTS) {
            return CompletableFuture.failedFuture(new GameException(ErrorCode.UNAVAILABLE,
                    "room " + key.room() + " is too busy right now; retry", RETRY_AFTER_MS));
        }
        // Jittered, growing backoff so that contending nodes stop colliding.
        long cap = Math.min(100, 5L << Math.min(attempt, 5));
        long delay = ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
        return CompletableFuture.supplyAsync(() -> attempt + 1,
                        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS))
                .thenCompose(next -> attempt(key, patch, eventAt, next));
    }

    /**
     * Runs the append transaction; completes with the commit's revision (the state key's new mod
     * revision), {@link #CONFLICT} when another writer got there first, or {@link #LEASE_GONE} when
     * the history lease expired.
     */
    private CompletableFuture<Long> commit(RoomKey key, RoomState current, long seq, byte[] stored, byte[] frame,
                                           PutOption lease) {
        ByteSequence stateKey = stateKey(key.ns(), key.room());
        Cmp unchanged = current.modRevision() > 0
                ? new Cmp(stateKey, Cmp.Op.EQUAL, CmpTarget.modRevision(current.modRevision()))
                : new Cmp(stateKey, Cmp.Op.EQUAL, CmpTarget.version(0));
        List<Op> ops = new ArrayList<>(3);
        ops.add(Op.put(stateKey, Keys.bytes(stored), PutOption.DEFAULT));
        ops.add(Op.put(Keys.bytes(etcd.keys().roomEvent(key.ns(), key.room(), seq)), Keys.bytes(frame), lease));
        long trimmed = seq - config.historySize();
        if (trimmed >= 1) {
            ops.add(Op.delete(Keys.bytes(etcd.keys().roomEvent(key.ns(), key.room(), trimmed)), DeleteOption.DEFAULT));
        }
        return etcd.call(() -> etcd.kv().txn().If(unchanged).Then(ops.toArray(Op[]::new)).commit()
                .handle((response, error) -> {
                    if (error == null) {
                        return response.isSucceeded() ? response.getHeader().getRevision() : CONFLICT;
                    }
                    if (LeaseBuckets.isLeaseGone(error)) {
                        return LEASE_GONE;
                    }
                    throw Etcd.unavailable(error);
                }));
    }

    private ByteSequence stateKey(Namespace ns, String room) {
        return Keys.bytes(etcd.keys().roomState(ns, room));
    }

    private static long seqOf(ByteSequence key) {
        String text = key.toString(StandardCharsets.UTF_8);
        return Long.parseLong(text.substring(text.lastIndexOf('/') + 1));
    }
}
