package dev.gamestate.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What one event loop's connections counted. Each event loop owns one tally and is its only writer,
 * so nothing here is synchronised; {@link #copy()} runs on the owning loop and {@link #add} merges
 * copies on the reporting thread.
 */
final class NettyLoadTally {

    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(600);

    /** Broadcast sent → event received, for events published inside the measurement window. */
    final Histogram delivery = new Histogram(HIGHEST_NANOS, 3);
    /** Broadcast sent → its ack (error answers are not in), for broadcasts sent inside the window. */
    final Histogram ack = new Histogram(HIGHEST_NANOS, 3);
    /** Broadcasts sent inside the window. */
    long sent;
    /** Broadcasts sent inside the window and acked. */
    long acked;
    /** Room events received inside the window. */
    long deliveries;
    /** Room events received over the whole run. */
    long deliveriesTotal;
    /** Times a subscriber's seq jumped forward past the next one (no snapshot in between). */
    long gaps;
    /** Seqs skipped by those jumps. */
    long missing;
    /** Events with the seq the subscriber saw last, or not above its subscribe ack's seq. */
    long duplicates;
    /** Events with a seq below the one the subscriber saw last. */
    long outOfOrder;
    /** {@code snapshot} events (resync or conflated): a legitimate jump forward. */
    long snapshots;
    /** Clients whose WebSocket handshake succeeded. */
    long connected;
    /** Clients connected and subscribed. */
    long subscribed;
    /** Subscribes sent again after an {@code unavailable} or {@code rate_limited} answer. */
    long subscribeRetries;
    /** Error replies and client-side failures, by code. */
    final Map<String, Long> errors = new TreeMap<>();

    /** Counts one error under {@code code}. */
    void error(String code) {
        errors.merge(code, 1L, Long::sum);
    }

    /** Records a latency in nanoseconds, clamped to the histogram's range. */
    static void record(Histogram histogram, long nanos) {
        histogram.recordValue(Math.max(0, Math.min(nanos, HIGHEST_NANOS)));
    }

    /** A copy of this tally; call it on the owning event loop. */
    NettyLoadTally copy() {
        NettyLoadTally copy = new NettyLoadTally();
        copy.add(this);
        return copy;
    }

    /** Adds {@code other}'s counts to this one. */
    void add(NettyLoadTally other) {
        delivery.add(other.delivery);
        ack.add(other.ack);
        sent += other.sent;
        acked += other.acked;
        deliveries += other.deliveries;
        deliveriesTotal += other.deliveriesTotal;
        gaps += other.gaps;
        missing += other.missing;
        duplicates += other.duplicates;
        outOfOrder += other.outOfOrder;
        snapshots += other.snapshots;
        connected += other.connected;
        subscribed += other.subscribed;
        subscribeRetries += other.subscribeRetries;
        other.errors.forEach((code, n) -> errors.merge(code, n, Long::sum));
    }
}
