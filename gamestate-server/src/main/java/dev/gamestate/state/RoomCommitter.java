package dev.gamestate.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcd.jetcd.options.PutOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for room appends. Appends that wait for the same room become one etcd transaction
 * (the state written once, each event's log entry, one trim), and appends to different rooms share
 * transactions too ({@link RoomBatch}); at most {@value #MAX_IN_FLIGHT} transactions are in flight,
 * and a room is in at most one. Each append completes with its seq only once etcd committed it.
 *
 * <p>The node keeps each room's (seq, state, mod revision) as its own last commit left it, so an
 * append needs no read first; a room it does not know is read once. When another node wrote the
 * room meanwhile, the compare fails, the transaction's {@code Else} branch returns every room's
 * fresh state, and the rooms that lost are retried on it after a jittered backoff (the others at
 * once), so two nodes writing one room stay in one seq order.
 *
 * <p>Threads: everything here runs on one {@link SerialExecutor}; etcd completions hop back to it.
 * Transactions go to etcd through {@link DirectKv}, built from the stored bytes as they are.
 */
public final class RoomCommitter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RoomCommitter.class);

    /** Transactions (writes or reads) in flight at once. */
    static final int MAX_IN_FLIGHT = 4;
    /** Lost compares in a row before a room's waiting appends fail with {@code unavailable}. */
    private static final int MAX_CONFLICTS = 10;
    private static final long RETRY_AFTER_MS = 200;
    /** Rooms whose state is kept warm, and the bytes of those states: idle rooms past either go first. */
    private static final int MAX_WARM_ROOMS = 10_000;
    private static final long MAX_WARM_BYTES = 64L << 20;

    /** A room in a namespace. */
    public record RoomId(Namespace ns, String room) {
    }

    /**
     * A room as stored: its seq, state, the stored record's size in bytes, the key's mod revision (0:
     * none), the bytes its history holds, and its stream's epoch ("" for a room never written, or
     * written before epochs; the next write fixes one).
     */
    public record RoomRecord(long seq, JsonNode state, int bytes, long modRevision, HistoryBytes history,
                             String epoch) {
    }

    /**
     * A room as one read saw it, with the revision of that read: every write after the read (a later
     * event in the room's log, say) is at a higher revision, so a watch from {@code revision + 1}
     * misses nothing the read did not see.
     */
    public record RoomRead(RoomRecord room, long revision) {
    }

    /**
     * What makes an append idempotent: its record's key (a user's request id in the room), a hash of
     * what it asks for, and the id of the event it would write. The record lives as long as the room's
     * history ({@code rooms.historyTtl}).
     */
    public record Once(String key, String hash, String eventId) {
    }

    /**
     * A committed append: its seq, its event's id (of an idempotent append; empty otherwise), and
     * whether it was committed earlier by another copy of the same request, which this one answers.
     */
    public record Appended(long seq, String eventId, boolean replayed) {
    }

    /** What one append makes of the room: its next state (and that state as JSON) and the event frame. */
    public record Step(JsonNode state, byte[] stateJson, byte[] frame) {
    }

    /** One append, applied to the room as it stands. */
    @FunctionalInterface
    public interface Append {

        /**
         * The step from the room at {@code seq} with {@code state} to {@code seq + 1}; may be called
         * again on a fresher room when a transaction lost its compare. Throws {@link GameException}
         * to refuse this append alone.
         */
        Step next(long seq, JsonNode state);
    }

    /** Where the committer reports how long its work takes (the node turns these into metrics). */
    public interface Timings {

        /** Reports nothing. */
        Timings NONE = new Timings() {
            @Override
            public void transaction(long nanos, int events) {
            }

            @Override
            public void append(long nanos) {
            }
        };

        /** A write transaction of {@code events} events took {@code nanos} from send to answer. */
        void transaction(long nanos, int events);

        /** An append was committed {@code nanos} after it was queued. */
        void append(long nanos);
    }

    private final Etcd etcd;
    private final JsonValues json;
    private final GameConfig.Rooms config;
    private final LeaseBuckets history;
    private final SerialExecutor thread;
    private final ScheduledExecutorService scheduler;
    private final Timings timings;
    // Access order: the eldest entry is the room used least recently.
    private final LinkedHashMap<RoomId, RoomQueue> rooms = new LinkedHashMap<>(64, 0.75f, true);
    private final ArrayDeque<RoomQueue> ready = new ArrayDeque<>();
    // Idempotent appends waiting or in flight on this node, by record key: a copy joins the first.
    private final Map<String, PendingAppend> onceKeys = new HashMap<>();
    private long warmBytes;
    private int inFlight;
    private volatile int pendingAppends;
    private final LongAdder transactions = new LongAdder();
    private final LongAdder committedEvents = new LongAdder();
    private final LongAdder conflicts = new LongAdder();

    /**
     * A committer on {@code thread}; log entries expire with {@code history}'s leases, backoffs are
     * timed on {@code scheduler}.
     */
    public RoomCommitter(Etcd etcd, JsonValues json, GameConfig.Rooms config, LeaseBuckets history,
                         SerialExecutor thread, ScheduledExecutorService scheduler) {
        this(etcd, json, config, history, thread, scheduler, Timings.NONE);
    }

    /** As above, reporting how long transactions and appends take to {@code timings}. */
    public RoomCommitter(Etcd etcd, JsonValues json, GameConfig.Rooms config, LeaseBuckets history,
                         SerialExecutor thread, ScheduledExecutorService scheduler, Timings timings) {
        this.timings = timings;
        this.etcd = etcd;
        this.json = json;
        this.config = config;
        this.history = history;
        this.thread = thread;
        this.scheduler = scheduler;
    }

    /**
     * Queues {@code append} for {@code room}; completes with the event's seq once etcd committed it.
     * Fails with {@code unavailable} when the room already has {@code rooms.maxPendingWrites} appends
     * waiting on this node, when the room stays contended, or when etcd does not answer (then the
     * event may or may not have been committed).
     */
    public CompletableFuture<Long> append(Namespace ns, String room, Append append) {
        return queue(ns, room, append, Optional.empty()).thenApply(Appended::seq);
    }

    /**
     * As {@link #append}, but at most once per {@code once.key()} within the room's history window, on
     * any node: a copy of a request that was committed already (or is being committed) is answered
     * with the first one's seq and event id, {@code replayed}; one with another hash fails with
     * {@code conflict}. Two copies racing on two nodes are told apart by etcd: one's compare on the
     * record fails.
     */
    public CompletableFuture<Appended> appendOnce(Namespace ns, String room, Once once, Append append) {
        return queue(ns, room, append, Optional.of(once));
    }

    private CompletableFuture<Appended> queue(Namespace ns, String room, Append append, Optional<Once> once) {
        CompletableFuture<Appended> done = new CompletableFuture<>();
        PendingAppend pending = new PendingAppend(append, done, System.nanoTime(), once);
        if (!thread.tryExecute(() -> enqueue(new RoomId(ns, room), pending))) {
            done.completeExceptionally(new GameException(ErrorCode.UNAVAILABLE,
                    "this node has too many room writes queued; retry", RETRY_AFTER_MS));
        }
        return done;
    }

    /** A linearizable read of a room; a room never written is at seq 0 with {@code {}}. */
    public CompletableFuture<RoomRead> read(Namespace ns, String room) {
        RangeRequest read = RangeRequest.newBuilder().setKey(stateKey(new RoomId(ns, room))).build();
        return etcd.direct().range(read).handle((r, error) -> {
            if (error != null) {
                throw etcd.failure(error);
            }
            return new RoomRead(recordOf(r), r.getHeader().getRevision());
        });
    }

    /**
     * Deletes a room's stream and starts a new epoch, in one transaction: the log and the records of
     * its idempotent appends go, the room is
     * written at seq 0 with {@code {}} and a new epoch, and the log's seq 0 gets a reset marker
     * ({@code {"type":"reset","room","seq":0,"epoch"}}, never pushed to clients) that tells every node
     * watching the room to resync its subscribers. Not guarded: appends in flight meanwhile land before
     * the deletion, or lose their compare and rebase onto the new epoch. Completes with the new epoch.
     */
    public CompletableFuture<String> delete(Namespace ns, String room) {
        RoomId id = new RoomId(ns, room);
        String epoch = Epochs.next();
        byte[] record = RoomBatch.storedRoom(0, epoch, "{}".getBytes(StandardCharsets.UTF_8), HistoryBytes.NONE);
        byte[] marker = json.write(JsonNodeFactory.instance.objectNode()
                .put("type", "reset").put("room", room).put("seq", 0).put("epoch", epoch));
        ByteString first = key(etcd.keys().roomEvent(ns, room, 0));
        return history.putOption().thenCompose(lease -> etcd.direct().txn(TxnRequest.newBuilder()
                // etcd refuses a delete over a put of the same transaction: the log from seq 1 goes,
                // and seq 0 (an older marker, if any) is overwritten.
                .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
                        .setKey(key(etcd.keys().roomEvent(ns, room, 1)))
                        .setRangeEnd(WatchRange.prefixEnd(key(etcd.keys().roomLog(ns, room))))))
                .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
                        .setKey(key(etcd.keys().roomRequests(ns, room)))
                        .setRangeEnd(WatchRange.prefixEnd(key(etcd.keys().roomRequests(ns, room))))))
                .addSuccess(RoomBatch.put(first, marker, lease.getLeaseId()))
                .addSuccess(RoomBatch.put(stateKey(id), record, 0))
                .build())).handle((response, error) -> {
                    if (error != null) {
                        throw etcd.failure(error);
                    }
                    return epoch;
                }).thenApplyAsync(done -> {
                    RoomQueue known = rooms.get(id);
                    if (known != null) {
                        forget(known); // a commit in flight may teach it the old record: its compare fails then
                    }
                    return done;
                }, thread);
    }

    private static ByteString key(String key) {
        return DirectKv.wrap(key.getBytes(StandardCharsets.UTF_8));
    }

    /** Appends waiting for their commit on this node. */
    public int pendingAppends() {
        return pendingAppends;
    }

    /** Write transactions issued. */
    public long transactions() {
        return transactions.sum();
    }

    /** Events committed. */
    public long committedEvents() {
        return committedEvents.sum();
    }

    /** Transactions that lost a compare to another writer. */
    public long conflicts() {
        return conflicts.sum();
    }

    private void enqueue(RoomId id, PendingAppend pending) {
        if (pending.once().isPresent() && joinedCopy(pending.once().get(), pending.done())) {
            return;
        }
        RoomQueue room = rooms.get(id);
        if (room == null) {
            room = new RoomQueue(id, stateKey(id));
            rooms.put(id, room);
        }
        if (room.pending().size() >= config.maxPendingWrites()) {
            pending.done().completeExceptionally(new GameException(ErrorCode.UNAVAILABLE, "room " + id.room()
                    + " has " + config.maxPendingWrites() + " writes queued on this node; retry", RETRY_AFTER_MS));
            return;
        }
        room.pending().add(pending);
        pendingAppends++;
        pending.once().ifPresent(once -> {
            onceKeys.put(once.key(), pending);
            // Completed on this thread (acks, failures, replays), so the map is this thread's alone.
            pending.done().whenComplete((appended, error) -> onceKeys.remove(once.key(), pending));
        });
        readyIfPending(room);
        pump();
    }

    /**
     * When a copy of the same request waits or is in flight on this node, {@code done} follows it
     * (replayed, or {@code conflict} for another hash) and true is returned: the copy is not queued.
     */
    private boolean joinedCopy(Once once, CompletableFuture<Appended> done) {
        PendingAppend first = onceKeys.get(once.key());
        if (first == null) {
            return false;
        }
        if (!first.once().orElseThrow().hash().equals(once.hash())) {
            done.completeExceptionally(reused());
            return true;
        }
        first.done().whenComplete((appended, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                done.complete(new Appended(appended.seq(), appended.eventId(), true));
            }
        });
        return true;
    }

    private static GameException reused() {
        return new GameException(ErrorCode.CONFLICT, "this requestId was used for another request; use a new one");
    }

    /** Starts transactions for ready rooms while fewer than {@link #MAX_IN_FLIGHT} are in flight. */
    private void pump() {
        while (inFlight < MAX_IN_FLIGHT && !ready.isEmpty()) {
            RoomBatch batch = new RoomBatch(etcd.keys(), config.historySize(), config.maxHistoryBytes());
            List<RoomQueue> unknown = new ArrayList<>();
            while (!ready.isEmpty()) {
                RoomQueue room = ready.peek();
                if (room.known == null) {
                    if (unknown.size() == RoomBatch.MAX_OPS) {
                        break;
                    }
                    unknown.add(take());
                    room.busy = true;
                    continue;
                }
                RoomBatch.Added added = batch.add(room);
                pendingAppends -= batch.takeRefused();
                if (added == RoomBatch.Added.FULL) {
                    break;
                }
                take();
                room.busy = added == RoomBatch.Added.TAKEN;
            }
            if (!unknown.isEmpty()) {
                inFlight++;
                readRooms(unknown);
            }
            if (!batch.isEmpty()) {
                inFlight++;
                commit(batch);
            }
            if (unknown.isEmpty() && batch.isEmpty()) {
                return;
            }
        }
    }

    private RoomQueue take() {
        RoomQueue room = ready.poll();
        room.queued = false;
        return room;
    }

    private void readRooms(List<RoomQueue> unknown) {
        TxnRequest.Builder reads = TxnRequest.newBuilder();
        for (RoomQueue room : unknown) {
            reads.addSuccess(RoomBatch.read(room.stateKey()));
        }
        etcd.direct().txn(reads.build()).whenCompleteAsync((response, error) -> {
            inFlight--;
            GameException failure = error == null ? null : etcd.failure(error); // counted once, not per room
            for (int i = 0; i < unknown.size(); i++) {
                RoomQueue room = unknown.get(i);
                room.busy = false;
                if (failure != null) {
                    failAll(room, failure);
                } else {
                    learn(room, recordOf(response.getResponses(i).getResponseRange()));
                    readyIfPending(room);
                }
            }
            pump();
        }, thread);
    }

    private void commit(RoomBatch batch) {
        transactions.increment();
        // The request is built on the committer's thread, which owns the rooms' known revisions.
        CompletableFuture<PutOption> lease = history.putOption();
        CompletableFuture<Outcome> sent = lease.isDone() && !lease.isCompletedExceptionally()
                ? send(batch, lease.join().getLeaseId())
                : lease.thenComposeAsync(granted -> send(batch, granted.getLeaseId()), thread);
        sent.whenCompleteAsync((outcome, error) -> {
            inFlight--;
            boolean committed = settle(batch, outcome == null ? new Outcome(null, error, 0) : outcome);
            pump(); // the next transaction goes out before this one's acks are written
            if (committed) {
                acknowledge(batch);
            }
        }, thread);
    }

    private CompletableFuture<Outcome> send(RoomBatch batch, long lease) {
        TxnRequest request = batch.request(lease);
        long sent = System.nanoTime();
        return etcd.direct().txn(request).handle((response, error) -> {
            timings.transaction(System.nanoTime() - sent, batch.events());
            return new Outcome(response, error, lease);
        });
    }

    /** A transaction's response, or its error, and the history lease it used. */
    private record Outcome(TxnResponse response, Throwable error, long lease) {
    }

    private ByteString stateKey(RoomId id) {
        return key(etcd.keys().roomState(id.ns(), id.room()));
    }

    /**
     * Books a transaction's outcome: on success the rooms move on (their appends are completed by
     * {@link #acknowledge}, once the next transaction is out); otherwise the appends fail or wait to
     * be retried. True when the batch committed.
     */
    private boolean settle(RoomBatch batch, Outcome outcome) {
        if (outcome.error() != null) {
            if (LeaseBuckets.isLeaseGone(outcome.error())) {
                history.forget(outcome.lease());
                batch.parts().forEach(part -> release(part.room(), 0));
                return false;
            }
            // Unknown outcome: the events may have been committed. Fail them; read the rooms afresh.
            GameException unavailable = etcd.failure(outcome.error());
            // The operator's line comes from EtcdFaults, once per kind and interval; this one is per Txn.
            LOG.debug("a room transaction of {} events failed: {}", batch.events(), rootCause(outcome.error()));
            for (RoomBatch.Part part : batch.parts()) {
                part.room().busy = false;
                forget(part.room());
                part.taken().forEach(p -> fail(part.room(), p, unavailable));
                readyIfPending(part.room());
            }
            return false;
        }
        TxnResponse response = outcome.response();
        if (response.getSucceeded()) {
            long revision = response.getHeader().getRevision();
            committedEvents.add(batch.events());
            for (RoomBatch.Part part : batch.parts()) {
                RoomQueue room = part.room();
                learn(room, new RoomRecord(part.lastSeq(), part.state(), part.storedRoom().length, revision,
                        part.history(), part.epoch()));
                for (int i = part.taken().size(); i > 0; i--) {
                    room.pending().poll(); // the taken appends are the queue's first
                }
                pendingAppends -= part.taken().size();
                room.conflicts = 0;
                room.busy = false;
                readyIfPending(room);
            }
            return true;
        }
        conflicts.increment();
        int read = 0;
        for (RoomBatch.Part part : batch.parts()) {
            RoomQueue room = part.room();
            RoomRecord now = recordOf(response.getResponses(read++).getResponseRange());
            // Then one read per idempotent append of the part: a record there means a copy of that
            // request was committed first; this one is answered from it and leaves the queue.
            for (PendingAppend taken : part.taken()) {
                if (taken.once().isPresent()) {
                    RangeResponse record = response.getResponses(read++).getResponseRange();
                    if (record.getKvsCount() > 0) {
                        answerFromRecord(room, taken, record.getKvs(0).getValue().toByteArray());
                    }
                }
            }
            boolean lost = now.modRevision() != room.known.modRevision();
            learn(room, now);
            if (!lost) {
                release(room, 0);
            } else if (++room.conflicts >= MAX_CONFLICTS) {
                room.conflicts = 0;
                room.busy = false;
                failAll(room, new GameException(ErrorCode.UNAVAILABLE,
                        "room " + room.id().room() + " is too busy right now; retry", RETRY_AFTER_MS));
            } else {
                // Jittered, growing backoff so that contending nodes stop colliding.
                long cap = Math.min(100, 5L << Math.min(room.conflicts, 5));
                release(room, ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
            }
        }
        return false;
    }

    /** An idempotent append whose request was committed before: answered from the stored record. */
    private void answerFromRecord(RoomQueue room, PendingAppend taken, byte[] stored) {
        if (room.pending().remove(taken)) {
            pendingAppends--;
        }
        try {
            JsonNode record = json.mapper().readTree(stored);
            if (!record.path("hash").asText().equals(taken.once().orElseThrow().hash())) {
                taken.done().completeExceptionally(reused());
                return;
            }
            taken.done().complete(new Appended(record.path("seq").asLong(), record.path("eventId").asText(), true));
        } catch (IOException e) {
            taken.done().completeExceptionally(new GameException(ErrorCode.INTERNAL, "a request record is unreadable", e));
        }
    }

    /** Completes the appends of a committed batch with their seqs (their acks go out from here). */
    private void acknowledge(RoomBatch batch) {
        long now = System.nanoTime();
        for (RoomBatch.Part part : batch.parts()) {
            long seq = part.firstSeq();
            for (PendingAppend taken : part.taken()) {
                timings.append(now - taken.queuedNanos());
                taken.done().complete(new Appended(seq++, taken.once().map(Once::eventId).orElse(""), false));
            }
        }
    }

    /** Makes a room available for the next batch, after {@code delayMs}. */
    private void release(RoomQueue room, long delayMs) {
        if (delayMs == 0) {
            room.busy = false;
            readyIfPending(room);
            return;
        }
        scheduler.schedule(() -> thread.execute(() -> {
            room.busy = false;
            readyIfPending(room);
            pump();
        }), delayMs, TimeUnit.MILLISECONDS);
    }

    private void readyIfPending(RoomQueue room) {
        if (!room.busy && !room.queued && !room.pending().isEmpty()) {
            room.queued = true;
            ready.add(room);
        }
    }

    private void failAll(RoomQueue room, GameException error) {
        forget(room);
        while (!room.pending().isEmpty()) {
            fail(room, room.pending().peek(), error);
        }
    }

    private void fail(RoomQueue room, PendingAppend pending, GameException error) {
        if (room.pending().remove(pending)) {
            pendingAppends--;
        }
        pending.done().completeExceptionally(error);
    }

    private void learn(RoomQueue room, RoomRecord record) {
        warmBytes += record.bytes() - (room.known == null ? 0 : room.known.bytes());
        room.known = record;
        evictIdle();
    }

    private void forget(RoomQueue room) {
        if (room.known != null) {
            warmBytes -= room.known.bytes();
            room.known = null;
        }
    }

    /** Drops the least recently used idle rooms while the warm set is over its bounds. */
    private void evictIdle() {
        Iterator<RoomQueue> eldest = rooms.values().iterator();
        while ((rooms.size() > MAX_WARM_ROOMS || warmBytes > MAX_WARM_BYTES) && eldest.hasNext()) {
            RoomQueue room = eldest.next();
            if (!room.busy && room.pending().isEmpty()) {
                forget(room);
                eldest.remove();
            }
        }
    }

    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.toString();
    }

    private RoomRecord recordOf(RangeResponse response) {
        if (response.getKvsCount() == 0) {
            return new RoomRecord(0, JsonNodeFactory.instance.objectNode(), 2, 0, HistoryBytes.NONE, "");
        }
        KeyValue kv = response.getKvs(0);
        byte[] stored = kv.getValue().toByteArray();
        try {
            JsonNode tree = json.mapper().readTree(stored);
            return new RoomRecord(tree.path("seq").asLong(), tree.path("state"), stored.length, kv.getModRevision(),
                    HistoryBytes.of(tree), tree.path("epoch").asText(""));
        } catch (IOException e) {
            throw new GameException(ErrorCode.INTERNAL, "stored room is unreadable", e);
        }
    }

    /** Fails every waiting append with {@code unavailable}; waits up to a second for that. */
    @Override
    public void close() {
        CompletableFuture<Void> failed = new CompletableFuture<>();
        boolean queued = thread.tryExecute(() -> {
            GameException closing = new GameException(ErrorCode.UNAVAILABLE, "this node is shutting down", 100);
            rooms.values().forEach(room -> failAll(room, closing));
            failed.complete(null);
        });
        if (queued) {
            try {
                failed.get(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // the thread is stuck or gone: nothing more to do at shutdown
            }
        }
    }
}
