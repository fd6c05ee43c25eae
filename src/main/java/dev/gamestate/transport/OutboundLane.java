package dev.gamestate.transport;

import dev.gamestate.core.CloseCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Every frame bound for the sockets of one event loop passes through its lane: callers on any thread
 * queue frames, and one task on the loop writes whatever has queued since it last ran, then flushes
 * each socket it wrote to once. A fan-out of one event to a thousand subscribers thus costs each loop
 * one task and one flush per socket, not a task and a syscall per delivery.
 *
 * <p>Flushes are consolidated further by {@code server.flushInterval}: a socket is flushed at once
 * when it was not flushed for that long (a quiet socket gets its frame without delay), otherwise when
 * the lane's one flush timer fires, at most that interval later, together with everything written
 * to it meanwhile.
 *
 * <p>The queue has no fixed capacity; each connection bounds its share of it (see
 * {@link WsConnection#send}), so the lane holds at most the sum of those bounds.
 */
final class OutboundLane implements Runnable {

    /** Frames one run writes before yielding the loop to I/O; the rest go in the next run. */
    private static final int MAX_PER_RUN = 8192;

    /** One frame for one connection, or (with {@code close} set) its close frame. */
    private record Delivery(WsConnection connection, byte[] utf8, CloseCode close) {
    }

    private static final byte[] NO_BYTES = new byte[0];

    private final EventLoop loop;
    private final long flushIntervalNanos;
    private final TransportMetrics metrics;
    private final Queue<Delivery> queue = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable flushTask = this::flushDeferred;
    // Loop-confined from here on.
    private final List<WsConnection> dirty = new ArrayList<>();    // written in this run
    private final List<WsConnection> deferred = new ArrayList<>(); // written, waiting for the timer
    private boolean flushScheduled;

    OutboundLane(EventLoop loop, long flushIntervalNanos, TransportMetrics metrics) {
        this.loop = loop;
        this.flushIntervalNanos = flushIntervalNanos;
        this.metrics = metrics;
    }

    /** Queues a frame for {@code connection}, whose channel must belong to this lane's loop. */
    void enqueue(WsConnection connection, byte[] utf8) {
        offer(new Delivery(connection, utf8, null));
    }

    /** Queues {@code connection}'s close frame behind what it has queued already. */
    void enqueueClose(WsConnection connection, CloseCode code) {
        offer(new Delivery(connection, NO_BYTES, code));
    }

    private void offer(Delivery delivery) {
        queue.offer(delivery);
        if (scheduled.compareAndSet(false, true)) {
            loop.execute(this);
        }
    }

    /** Frames queued and not yet written. */
    int depth() {
        return queue.size();
    }

    @Override
    public void run() {
        scheduled.set(false); // first: a frame queued from now on schedules another run
        int frames = 0;
        long bytes = 0;
        int polled = 0;
        // A fan-out queues one event's bytes for many connections in a row: frame it once, write
        // retained duplicates of that one buffer.
        byte[] framedUtf8 = null;
        ByteBuf framed = null;
        Delivery next;
        try {
            while (polled++ < MAX_PER_RUN && (next = queue.poll()) != null) {
                WsConnection connection = next.connection();
                if (next.close() != null) {
                    connection.writeClose(next.close());
                    continue;
                }
                byte[] utf8 = next.utf8();
                if (!connection.admitQueued(utf8.length)) {
                    continue;
                }
                if (utf8 != framedUtf8) {
                    if (framed != null) {
                        framed.release();
                    }
                    framed = TextFrames.frame(connection.allocator(), utf8);
                    framedUtf8 = utf8;
                }
                connection.writeFramed(framed.retainedDuplicate());
                frames++;
                bytes += utf8.length;
                if (connection.markDirty()) {
                    dirty.add(connection);
                }
            }
        } finally {
            if (framed != null) {
                framed.release();
            }
        }
        metrics.framesOut(frames, bytes);
        if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
            loop.execute(this);
        }
        flushOrDefer();
    }

    /**
     * Flushes each socket written in this run whose last flush is at least the interval ago; the
     * others wait for one timer, at most the interval, and go out together with what comes meanwhile.
     */
    private void flushOrDefer() {
        if (dirty.isEmpty()) {
            return;
        }
        long now = loop.ticker().nanoTime(); // the loop's clock, the one its timers run on
        for (WsConnection connection : dirty) {
            if (flushIntervalNanos == 0 || now - connection.lastFlushNanos() >= flushIntervalNanos) {
                connection.flushQueued(now);
            } else {
                deferred.add(connection);
            }
        }
        dirty.clear();
        if (!deferred.isEmpty() && !flushScheduled) {
            flushScheduled = true;
            loop.schedule(flushTask, flushIntervalNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void flushDeferred() {
        flushScheduled = false;
        long now = loop.ticker().nanoTime();
        for (WsConnection connection : deferred) {
            connection.flushQueued(now);
        }
        deferred.clear();
    }
}
