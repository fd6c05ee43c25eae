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
    boolean busy;     // in a read or a backoff
    boolean queued;   // in the ready queue
    int conflicts;
    // Its write transactions in flight (a chain: each builds on the one before), the appends they
    // carry (the queue's first), the room as the newest leaves it and that one's last event frame.
    int inFlight;
    int appendsInFlight;
    RoomCommitter.RoomRecord tail;
    byte[] tailFrame;
    long sentNanos;       // when the newest of them went out (System.nanoTime)
    boolean chainTimer;   // a timer will look at it again once that one is old enough to chain on
    // A transaction of its chain failed: nothing new is sent until every one of them is back.
    boolean broken;

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
