package dev.gamestate.rooms;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/** What presence costs a node, for its metrics. */
public final class PresenceCounters {

    private final LongAdder recordsWritten = new LongAdder();
    private final LongAdder recordsReceived = new LongAdder();
    private final LongAdder events = new LongAdder();
    private final LongAdder pushes = new LongAdder();
    private final IntSupplier rooms;

    PresenceCounters(IntSupplier rooms) {
        this.rooms = rooms;
    }

    /** Subscriber records this node wrote listing their room's members (each one of its count writes). */
    public long recordsWritten() {
        return recordsWritten.sum();
    }

    /** Other nodes' subscriber records (writes and deletes) this node's presence watches received. */
    public long recordsReceived() {
        return recordsReceived.sum();
    }

    /** Presence events this node pushed: one per room per change, whatever its number of recipients. */
    public long events() {
        return events.sum();
    }

    /** Presence event frames this node queued to its connections. */
    public long pushes() {
        return pushes.sum();
    }

    /** Rooms whose presence this node follows: its rooms of interest with presence on. */
    public int rooms() {
        return rooms.getAsInt();
    }

    void recordWritten() {
        recordsWritten.increment();
    }

    void recordsReceived(int n) {
        recordsReceived.add(n);
    }

    void event(int recipients) {
        events.increment();
        pushes.add(recipients);
    }

    void pushed() {
        pushes.increment();
    }
}
