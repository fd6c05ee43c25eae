package dev.gamestate.rooms;

import dev.gamestate.core.Namespace;
import dev.gamestate.event.Connection;
import dev.gamestate.event.Push;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One connection's subscription to one room on this node. It pushes each event at most once and in
 * seq order: anything at or below {@link #lastSeq} is dropped.
 *
 * <p>While it is held (before its subscribe ack went out, or while a resync reads the room) it buffers
 * what the watch offers; releasing it pushes what the holder brings (the replay, a snapshot), then the
 * buffered events above that, and goes live. Every push happens under the subscription's lock, so
 * pushes from the watch thread and from a release never interleave out of order.
 *
 * <p>While its connection is congested (a slow reader past its soft mark) a live subscription
 * conflates: it drops the events it is offered instead of queueing them, and once the connection has
 * drained it is held and caught up with one {@code snapshot} of the room ({@link #holdForCatchUp}).
 */
final class Subscription {

    /** A buffered event. */
    private record Offered(long seq, Push push) {
    }

    private final Connection connection;
    private final Namespace namespace;
    private final String room;

    private long lastSeq;
    private Optional<String> epoch = Optional.empty(); // of lastSeq
    private boolean restarted; // the room's stream began anew since lastSeq: the next resync resets
    private volatile boolean acked; // its subscribe ack went out: room-level pushes may follow it
    private boolean held = true;
    private boolean stale;
    private boolean conflating;
    private boolean closed;
    private List<Offered> buffer = List.of(); // an ArrayList from the first event held: most never hold one

    /** A new subscription, held until its subscribe ack went out. */
    Subscription(Connection connection, Namespace namespace, String room) {
        this.connection = connection;
        this.namespace = namespace;
        this.room = room;
    }

    Connection connection() {
        return connection;
    }

    Namespace namespace() {
        return namespace;
    }

    String room() {
        return room;
    }

    synchronized long lastSeq() {
        return lastSeq;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** True once its subscribe ack was queued ({@link #start}): pushes about the room may follow it. */
    boolean acked() {
        return acked;
    }

    /** What {@link #offer} decided for an event. */
    enum Offer {
        /** Live: the caller pushes it to the connection now, before any later event. */
        DELIVER,
        /** Buffered while held, or dropped as old or conflated. */
        KEPT,
        /** Dropped, and conflation began: the caller must see that it is caught up once it drains. */
        CONFLATING
    }

    /**
     * An event the watch saw: to be delivered now when live (counted as seen; the caller pushes it, in
     * offer order), kept for later while held, dropped when old or while conflating. Only the
     * stream thread offers, so pushes of live events keep seq order.
     */
    synchronized Offer offer(long seq, Push push) {
        if (closed || seq <= lastSeq || conflating) {
            return Offer.KEPT;
        }
        if (held) {
            if (buffer.isEmpty()) {
                buffer = new ArrayList<>();
            }
            buffer.add(new Offered(seq, push));
            return Offer.KEPT;
        }
        if (connection.congested()) {
            conflating = true;
            return Offer.CONFLATING;
        }
        lastSeq = seq;
        return Offer.DELIVER;
    }

    /**
     * Ends conflation: from now on the subscription is held (it buffers what the watch offers).
     *
     * @return true when it was conflating, so the caller must read the room and {@link #resynced} it
     */
    synchronized boolean holdForCatchUp() {
        if (closed || !conflating) {
            return false;
        }
        conflating = false;
        held = true;
        buffer = List.of();
        return true;
    }

    /**
     * Ends the subscribe hold: pushes {@code replay} (events up to {@code seq}), counts everything up to
     * {@code seq} as seen, then pushes the buffered events above it.
     *
     * @return true when a resync ran while it was held, so its buffer may have a gap: it stays held
     *         and the caller must read the room and {@link #resynced} it
     */
    synchronized boolean start(List<RoomStream.LoggedEvent> replay, long seq, Optional<String> epoch) {
        if (closed) {
            return false;
        }
        this.epoch = epoch;
        acked = true;
        for (RoomStream.LoggedEvent event : replay) {
            if (event.seq() > lastSeq) {
                connection.push(Push.ofUtf8(event.frame()));
                lastSeq = event.seq();
            }
        }
        lastSeq = Math.max(lastSeq, seq);
        if (stale) {
            stale = false;
            return true;
        }
        drain();
        return false;
    }

    /**
     * Starts a resync: a live subscription is held from now on; one still waiting for its subscribe
     * ack is marked, and resyncs once it starts. {@code restart}: the room's stream began anew (it
     * was deleted), so the resync is a reset whatever the seqs.
     *
     * @return true when this resync now holds it and must {@link #resynced} it
     */
    synchronized boolean holdForResync(boolean restart) {
        if (closed) {
            return false;
        }
        restarted |= restart;
        if (held) {
            stale = true;
            return false;
        }
        conflating = false;
        held = true;
        buffer = List.of();
        return true;
    }

    /**
     * Ends a resync hold: when the room moved past what this subscription saw, pushes {@code snapshot}
     * (the room's state at {@code seq}); when the room's stream has another epoch than the one this
     * subscription saw, pushes {@code reset} (the same state, said to start a new stream), whatever the
     * seqs; then the buffered events above it, and goes live.
     */
    synchronized void resynced(long seq, Optional<String> epoch, Push snapshot, Push reset) {
        if (closed) {
            return;
        }
        if (restarted || isNewEpoch(epoch)) {
            connection.push(reset);
            lastSeq = seq;
            this.epoch = epoch;
            restarted = false;
        } else if (seq > lastSeq) {
            connection.push(snapshot);
            lastSeq = seq;
            this.epoch = epoch;
        }
        drain();
    }

    /**
     * Whether {@code epoch} (the room's now) starts another stream than the one this subscription saw;
     * a room that had none yet (never written, or written before epochs) and now has one is the same.
     */
    synchronized boolean isNewEpoch(Optional<String> epoch) {
        return restarted || this.epoch.isPresent() && !this.epoch.equals(epoch);
    }

    /** Stops all pushes; a closed subscription never comes back. */
    synchronized void close() {
        closed = true;
        buffer = List.of();
    }

    private void drain() {
        for (Offered event : buffer) {
            if (event.seq() > lastSeq) {
                connection.push(event.push());
                lastSeq = event.seq();
            }
        }
        buffer = List.of();
        held = false;
    }
}
