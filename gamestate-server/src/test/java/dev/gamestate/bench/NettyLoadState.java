package dev.gamestate.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a load run's connections share: the phase (publishing, the measurement window), the highest
 * seq acked per room, the setup gates, and each event loop's {@link NettyLoadLane}.
 */
final class NettyLoadState {

    private final NettyLoadOptions options;
    private final AtomicLongArray ackedSeqs;
    private final Map<EventExecutor, NettyLoadLane> lanes = new IdentityHashMap<>();
    /** Bounds the connections that are between TCP connect and the handshake's answer. */
    final Semaphore handshakes;
    /** Counted down once per client when it subscribed or failed for good. */
    final CountDownLatch settled;
    private final long setupDeadline;
    private volatile boolean publishing;
    private volatile boolean closing;
    private volatile long measureFrom = Long.MAX_VALUE;
    private volatile long measureTo = Long.MAX_VALUE;

    NettyLoadState(NettyLoadOptions options, EventLoopGroup group) {
        this.options = options;
        this.ackedSeqs = new AtomicLongArray(options.rooms());
        this.handshakes = new Semaphore(options.connectConcurrency());
        this.settled = new CountDownLatch(options.clients());
        this.setupDeadline = System.nanoTime() + options.setupTimeout().toNanos();
        for (EventExecutor loop : group) {
            lanes.put(loop, new NettyLoadLane(loop));
        }
    }

    NettyLoadOptions options() {
        return options;
    }

    /** The lane of {@code loop}, one of the group's. */
    NettyLoadLane lane(EventExecutor loop) {
        NettyLoadLane lane = lanes.get(loop);
        if (lane == null) {
            throw new IllegalStateException("not an event loop of this run: " + loop);
        }
        return lane;
    }

    Iterable<NettyLoadLane> lanes() {
        return lanes.values();
    }

    /** The {@link System#nanoTime()} by which every client should have subscribed. */
    long setupDeadline() {
        return setupDeadline;
    }

    /** True while publishers should keep sending. */
    boolean publishing() {
        return publishing;
    }

    void publishing(boolean on) {
        publishing = on;
    }

    /** True once the run closes its clients on purpose; a close then is no error. */
    boolean closing() {
        return closing;
    }

    void closing(boolean on) {
        closing = on;
    }

    /** Starts the measurement window now. */
    void openWindow() {
        measureFrom = System.nanoTime();
    }

    /** Ends the measurement window now; returns its length in nanoseconds. */
    long closeWindow() {
        measureTo = System.nanoTime();
        return measureTo - measureFrom;
    }

    /** True when {@code nanoTime} falls inside the measurement window. */
    boolean inWindow(long nanoTime) {
        return nanoTime >= measureFrom && nanoTime < measureTo;
    }

    /** Notes that {@code room}'s events up to {@code seq} were acked to some publisher. */
    void acked(int room, long seq) {
        ackedSeqs.accumulateAndGet(room, seq, Math::max);
    }

    /** The highest seq acked in {@code room} so far (0 when none). */
    long ackedSeq(int room) {
        return ackedSeqs.get(room);
    }
}
