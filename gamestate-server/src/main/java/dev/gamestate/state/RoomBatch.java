package dev.gamestate.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.core.GameException;
import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * One transaction's worth of room appends, over one or more rooms. For each room it holds one
 * compare (the state key is as this node last saw it), the state put once, its events in as few log
 * keys as the trims allow ({@link LogEntries}) and one range delete of the entries that fell out of the history (past {@code rooms.historySize}
 * events or {@code rooms.maxHistoryBytes} bytes, see {@link HistoryBytes}); its {@code Else} branch
 * reads every room's state, so a lost compare brings the fresh state back in the same round trip.
 *
 * <p>Bounds: etcd refuses a transaction with more than 128 compares, success ops or failure ops
 * ({@code --max-txn-ops}), or a request over 1.5 MiB ({@code --max-request-bytes}).
 */
final class RoomBatch {

    /** etcd's default {@code --max-txn-ops}. */
    static final int MAX_OPS = 128;
    /** Keys and values of one transaction; under etcd's default 1.5 MiB request limit with room to spare. */
    static final int MAX_BYTES = 1 << 20;
    /** What a transaction's request spends per event beyond its frame (keys, framing), counted generously. */
    private static final int KEY_BYTES = 64;

    /**
     * One room's part: the appends it takes, in order, what they make of the room, the log keys its
     * frames go to ({@code runs[i]}: the index of the first frame of key {@code i}, see
     * {@link LogEntries}), and the log entries from {@code trimFrom} to {@code trimTo} (inclusive; none
     * when {@code trimTo < trimFrom}) that fall out of the history.
     */
    record Part(RoomQueue room, List<PendingAppend> taken, long firstSeq, long lastSeq,
                JsonNode state, String epoch, byte[] storedRoom, List<byte[]> frames, int[] runs,
                HistoryBytes history, long trimFrom, long trimTo) {
    }

    private final Keys keys;
    private final int historySize;
    private final long maxHistoryBytes;
    /** What {@link #add} did with a room. */
    enum Added {
        /** Some of its appends are in the batch. */
        TAKEN,
        /** Every one of its appends was refused; nothing of it is in the batch. */
        NONE_LEFT,
        /** Not even one append fits: the batch is full; the room was left as it was. */
        FULL
    }

    private final List<Part> parts = new ArrayList<>();
    private int ops;
    private int compares; // one per room and one per idempotent append; as many failure-branch reads
    private int bytes;
    private int refused;

    RoomBatch(Keys keys, int historySize, long maxHistoryBytes) {
        this.keys = keys;
        this.historySize = historySize;
        this.maxHistoryBytes = maxHistoryBytes;
    }

    boolean isEmpty() {
        return parts.isEmpty();
    }

    List<Part> parts() {
        return parts;
    }

    int events() {
        int events = 0;
        for (Part part : parts) {
            events += part.frames().size();
        }
        return events;
    }

    /** Appends refused (and failed) by {@link #add} since the last call; resets the count. */
    int takeRefused() {
        int count = refused;
        refused = 0;
        return count;
    }

    /**
     * Adds as many of {@code room}'s pending appends as fit, applied in order to the room as last
     * known. An append that refuses (throws {@link GameException}) fails alone, leaves its queue and
     * leaves the room as it was.
     */
    Added add(RoomQueue room) {
        if (compares >= MAX_OPS) {
            return Added.FULL;
        }
        RoomCommitter.RoomRecord known = room.known();
        long seq = known.seq();
        JsonNode state = known.state();
        byte[] stateJson = null;
        List<PendingAppend> taken = new ArrayList<>();
        List<byte[]> frames = new ArrayList<>();
        int[] runs = new int[8];
        int runCount = 0;
        int runLength = 0;
        long chunk = trimChunk();
        HistoryBytes.Cuts cuts = known.history().cuts(maxHistoryBytes);
        long eventBytes = 0;
        int onces = 0;
        Iterator<PendingAppend> pending = room.pending().iterator();
        while (pending.hasNext()) {
            // This room's ops: the state put, the range delete, and one put per log key (a run of
            // events, LogEntries); the next event may open a key. etcd refuses a delete range that
            // overlaps a put of the same transaction, so one room puts at most historySize events:
            // the entries it trims are all older than the ones it writes.
            if (ops + runCount + onces + 4 > MAX_OPS || compares + onces + 2 > MAX_OPS
                    || frames.size() >= historySize) {
                break; // (with room for one more idempotent append's record and compare)
            }
            PendingAppend next = pending.next();
            RoomCommitter.Step step;
            try {
                step = next.append().next(seq, state);
            } catch (GameException refused) {
                pending.remove();
                this.refused++;
                next.done().completeExceptionally(refused);
                continue;
            }
            int frame = step.frame().length;
            long roomBytes = eventBytes + frame + KEY_BYTES * (frames.size() + 1L) + step.stateJson().length;
            if (!(parts.isEmpty() && taken.isEmpty()) && bytes + roomBytes > MAX_BYTES) {
                break; // the first event of a batch always goes, whatever its size
            }
            if (!taken.isEmpty() && eventBytes + frame > maxHistoryBytes / 2) {
                // A room's new events stay well under its byte bound, so the trim that keeps the
                // history under it never reaches an entry this transaction writes.
                break;
            }
            seq++;
            // A new log key wherever a later trim may cut the history (a count chunk's first seq or a
            // byte segment's start), so trims delete whole keys; and after MAX_RUN events.
            if (frames.isEmpty() || runLength == LogEntries.MAX_RUN || (seq - 1) % chunk == 0 || cuts.opens(frame)) {
                if (runCount == runs.length) {
                    runs = Arrays.copyOf(runs, runCount * 2);
                }
                runs[runCount++] = frames.size();
                runLength = 0;
            }
            runLength++;
            if (next.once().isPresent()) {
                onces++;
            }
            cuts.add(frame);
            eventBytes += frame;
            state = step.state();
            stateJson = step.stateJson();
            taken.add(next);
            frames.add(step.frame());
        }
        if (taken.isEmpty()) {
            return room.pending().isEmpty() ? Added.NONE_LEFT : Added.FULL;
        }
        long firstSeq = known.seq() + 1;
        long[] sizes = frames.stream().mapToLong(f -> f.length).toArray();
        long countFloor = countFloor(seq);
        HistoryBytes history = known.history().append(firstSeq, sizes, historySize, countFloor, maxHistoryBytes);
        // What the room's last transaction kept is deleted from there to the new floor, all older
        // than firstSeq (see HistoryBytes#append), as etcd refuses a delete over a put. The count
        // floor moves in chunks, so most transactions delete nothing.
        long trimFrom = known.history().floor(countFloor(firstSeq - 1));
        long trimTo = history.floor(countFloor) - 1;
        // A stream's epoch is fixed by its first write (and by the first write of a room stored before
        // epochs); a lost compare rebases on the winner's record, epoch included.
        String epoch = known.epoch().isEmpty() ? Epochs.next() : known.epoch();
        parts.add(new Part(room, taken, firstSeq, seq, state, epoch, storedRoom(seq, epoch, stateJson, history),
                frames, Arrays.copyOf(runs, runCount), history, trimFrom, trimTo));
        ops += runCount + onces + (trimTo >= trimFrom ? 2 : 1);
        compares += 1 + onces;
        bytes += (int) (eventBytes + KEY_BYTES * frames.size() + stateJson.length);
        return Added.TAKEN;
    }

    /**
     * The first seq a room at {@code lastSeq} keeps by count: {@code lastSeq - historySize + 1},
     * rounded down to a multiple of {@link #trimChunk()} (plus one), so the log is trimmed by count once
     * every {@code historySize / 8} events rather than in every transaction, and holds between
     * {@code historySize} and {@code historySize + historySize / 8 - 1} events.
     */
    private long countFloor(long lastSeq) {
        long exact = lastSeq - historySize + 1;
        long chunk = trimChunk();
        return exact <= 1 ? 1 : 1 + (exact - 1) / chunk * chunk;
    }

    private long trimChunk() {
        return Math.max(1, historySize / 8);
    }

    /**
     * The transaction: for each room, the compare (its state key unchanged since this node saw it),
     * then the writes (log entries carry {@code historyLease}, the lease that expires them), and the
     * {@code Else} branch reading every room's state, in part order.
     */
    TxnRequest request(long historyLease) {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        for (Part part : parts) {
            RoomQueue room = part.room();
            long revision = room.known().modRevision();
            Compare.Builder compare = Compare.newBuilder().setKey(room.stateKey()).setResult(Compare.CompareResult.EQUAL);
            txn.addCompare(revision > 0
                    ? compare.setTarget(Compare.CompareTarget.MOD).setModRevision(revision)
                    : compare.setTarget(Compare.CompareTarget.VERSION).setVersion(0));
            txn.addSuccess(put(room.stateKey(), part.storedRoom(), 0));
            int[] runs = part.runs();
            for (int i = 0; i < runs.length; i++) {
                int end = i + 1 < runs.length ? runs[i + 1] : part.frames().size();
                txn.addSuccess(put(logKey(room, part.firstSeq() + runs[i]),
                        LogEntries.value(part.frames(), runs[i], end), historyLease));
            }
            if (part.trimTo() >= part.trimFrom()) {
                txn.addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
                        .setKey(logKey(room, part.trimFrom())).setRangeEnd(logKey(room, part.trimTo() + 1))));
            }
            txn.addFailure(read(room.stateKey()));
            // An idempotent append's record must not exist yet (a copy of its request committed
            // first); it is written with the event and lives as long as the history.
            long seq = part.firstSeq();
            for (PendingAppend taken : part.taken()) {
                if (taken.once().isPresent()) {
                    RoomCommitter.Once once = taken.once().get();
                    ByteString key = DirectKv.wrap(once.key().getBytes(StandardCharsets.UTF_8));
                    txn.addCompare(Compare.newBuilder().setKey(key).setResult(Compare.CompareResult.EQUAL)
                            .setTarget(Compare.CompareTarget.VERSION).setVersion(0));
                    txn.addSuccess(put(key, onceRecord(seq, once), historyLease));
                    txn.addFailure(read(key));
                }
                seq++;
            }
        }
        return txn.build();
    }

    /** The record of an idempotent append: {@code {"seq":N,"eventId":"…","hash":"…"}}. */
    private static byte[] onceRecord(long seq, RoomCommitter.Once once) {
        // Event ids and hashes are made by the server of [0-9a-z-] alone: nothing to escape.
        return ("{\"seq\":" + seq + ",\"eventId\":\"" + once.eventId() + "\",\"hash\":\"" + once.hash() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A read of {@code key} as a transaction operation. */
    static RequestOp read(ByteString key) {
        return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)).build();
    }

    /** A put of {@code value} at {@code key} (under {@code lease}; 0: none) as a transaction operation. */
    static RequestOp put(ByteString key, byte[] value, long lease) {
        return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                .setKey(key).setValue(DirectKv.wrap(value)).setLease(lease)).build();
    }

    private ByteString logKey(RoomQueue room, long seq) {
        return DirectKv.wrap(keys.roomEvent(room.id().ns(), room.id().room(), seq).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code {"seq":N,"epoch":"…","log":[…],"state":…}} around already encoded state bytes: the state
     * is serialised once. An epoch is URL-safe base64, so it needs no escaping.
     */
    static byte[] storedRoom(long seq, String epoch, byte[] state, HistoryBytes history) {
        byte[] head = ("{\"seq\":" + seq + ",\"epoch\":\"" + epoch + "\",\"log\":" + history.json() + ",\"state\":")
                .getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + state.length + 1];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(state, 0, out, head.length, state.length);
        out[out.length - 1] = '}';
        return out;
    }
}
