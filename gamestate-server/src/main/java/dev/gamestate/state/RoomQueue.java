package dev.gamestate.state;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;

/** One room's queue and what this node knows of it. Touched only on the committer's thread. */
final class RoomQueue {

    // Fields are the committer's to change; the accessors are for RoomBatch, which only reads.
    private final RoomCommitter.RoomId id;
    private final ByteString stateKey;
    private final ArrayDeque<PendingAppend> pending = new ArrayDeque<>();
    RoomCommitter.RoomRecord known; // null: unknown, read before the next append
    boolean busy;     // in a transaction, a read or a backoff
    boolean queued;   // in the ready queue
    int conflicts;

    RoomQueue(RoomCommitter.RoomId id, ByteString stateKey) {
        this.id = id;
        this.stateKey = stateKey;
    }

    RoomCommitter.RoomId id() {
        return id;
    }

    ByteString stateKey() {
        return stateKey;
    }

    ArrayDeque<PendingAppend> pending() {
        return pending;
    }

    RoomCommitter.RoomRecord known() {
        return known;
    }
}
