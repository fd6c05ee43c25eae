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
import java.util.Iterator;
import java.util.List;

/**
 * One transaction's worth of room appends, over one or more rooms. For each room it holds one
 * compare (the state key is as this node last saw it), the state put once, one log entry per event
 * and one range delete of the entries that fell out of the history; its {@code Else} branch reads
 * every room's state, so a lost compare brings the fresh state back in the same round trip.
 *
 * <p>Bounds: etcd refuses a transaction with more than 128 compares, success ops or failure ops
 * ({@code --max-txn-ops}), or a request over 1.5 MiB ({@code --max-request-bytes}).
 */
final class RoomBatch {

    /** etcd's default {@code --max-txn-ops}. */
    static final int MAX_OPS = 128;
    /** Keys and values of one transaction; under etcd's default 1.5 MiB request limit with room to spare. */
    static final int MAX_BYTES = 1 << 20;

    /** One room's part: the appends it takes, in order, and what they make of the room. */
    record Part(RoomQueue room, List<PendingAppend> taken, long firstSeq, long lastSeq,
                JsonNode state, byte[] storedRoom, List<byte[]> frames) {
    }

    private final Keys keys;
    private final int historySize;
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
    private int bytes;
    private int refused;

    RoomBatch(Keys keys, int historySize) {
        this.keys = keys;
        this.historySize = historySize;
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
        if (parts.size() >= MAX_OPS) {
            return Added.FULL;
        }
        RoomCommitter.RoomRecord known = room.known();
        long seq = known.seq();
        JsonNode state = known.state();
        byte[] stateJson = null;
        List<PendingAppend> taken = new ArrayList<>();
        List<byte[]> frames = new ArrayList<>();
        int roomBytes = 0;
        Iterator<PendingAppend> pending = room.pending().iterator();
        while (pending.hasNext()) {
            // This room's ops: the state put, the range delete, and one put per event. etcd refuses a
            // delete range that overlaps a put of the same transaction, so one room puts at most
            // historySize events: the entries it trims are all older than the ones it writes.
            if (ops + frames.size() + 3 > MAX_OPS || frames.size() >= historySize) {
                break;
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
            int size = step.stateJson().length + step.frame().length + 128;
            if (!(parts.isEmpty() && taken.isEmpty()) && bytes + roomBytes + size > MAX_BYTES) {
                break; // the first event of a batch always goes, whatever its size
            }
            roomBytes += size;
            seq++;
            state = step.state();
            stateJson = step.stateJson();
            taken.add(next);
            frames.add(step.frame());
        }
        if (taken.isEmpty()) {
            return room.pending().isEmpty() ? Added.NONE_LEFT : Added.FULL;
        }
        parts.add(new Part(room, taken, known.seq() + 1, seq, state, storedRoom(seq, stateJson), frames));
        ops += frames.size() + 2;
        bytes += roomBytes;
        return Added.TAKEN;
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
            long seq = part.firstSeq();
            for (byte[] frame : part.frames()) {
                txn.addSuccess(put(logKey(room, seq++), frame, historyLease));
            }
            // Entries up to lastSeq - historySize fell out (all below firstSeq, see add); the earlier
            // ones were trimmed before.
            long trimTo = part.lastSeq() - historySize;
            long trimFrom = Math.max(1, part.firstSeq() - historySize);
            if (trimTo >= trimFrom) {
                txn.addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
                        .setKey(logKey(room, trimFrom)).setRangeEnd(logKey(room, trimTo + 1))));
            }
            txn.addFailure(read(room.stateKey()));
        }
        return txn.build();
    }

    /** A read of {@code key} as a transaction operation. */
    static RequestOp read(ByteString key) {
        return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)).build();
    }

    private static RequestOp put(ByteString key, byte[] value, long lease) {
        return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                .setKey(key).setValue(DirectKv.wrap(value)).setLease(lease)).build();
    }

    private ByteString logKey(RoomQueue room, long seq) {
        return DirectKv.wrap(keys.roomEvent(room.id().ns(), room.id().room(), seq).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code {"seq":N,"state":…}} around already encoded state bytes: the state is serialised once. */
    static byte[] storedRoom(long seq, byte[] state) {
        byte[] head = ("{\"seq\":" + seq + ",\"state\":").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + state.length + 1];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(state, 0, out, head.length, state.length);
        out[out.length - 1] = '}';
        return out;
    }
}
