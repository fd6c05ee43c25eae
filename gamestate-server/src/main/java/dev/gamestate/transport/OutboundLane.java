package dev.gamestate.transport;

import dev.gamestate.core.CloseCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every frame bound for the sockets of one event loop passes through its lane: callers on any thread
 * queue frames, and one task on the loop writes whatever has queued since it last ran, then flushes
 * each socket it wrote to once. A fan-out hands the lane one item per event (the frame and the lane's
 * recipients), so one event to a thousand subscribers costs each loop one hand-over, one task and one
 * flush per socket, not a task and a syscall per delivery.
 *
 * <p>Fan-out flushes are consolidated further by the lane's flush interval ({@code server.flushInterval},
 * growing towards {@code server.maxFlushInterval} while the lane flushes more than its budget, see
 * {@link FlushPacer}): a socket is flushed at once when it was not flushed for that long (a quiet
 * socket gets its frame without delay), otherwise when the lane's one flush timer fires, at most that
 * interval later, together with everything written to it meanwhile. A reply or a direct message is
 * flushed in the run that wrote it.
 *
 * <p>Bounds: a frame for one connection (a reply, a direct message, a pong) counts against that
 * connection's budget (see {@link WsConnection#send}); fan-out items count against the lane's, and while the lane holds more
 * than {@link #BACKLOG_BYTES} of them every connection on it reports itself congested, so rooms
 * conflate instead of queueing more.
 */
final class OutboundLane implements Runnable {

    /** Frames one run writes before yielding the loop to I/O; the rest go in the next run. */
    private static final int MAX_PER_RUN = 8192;
    /** Fan-out bytes queued past which the lane's connections count as congested. */
    static final long BACKLOG_BYTES = 8L << 20;

    /** What a lane carries. */
    private sealed interface Item {
    }

    /** One frame for one connection. */
    private record One(WsConnection connection, byte[] utf8) implements Item {
    }

    /** One frame for several connections of this lane, in list order. */
    private record Many(List<WsConnection> connections, byte[] utf8) implements Item {
    }

    /** A pong for one connection, answering its ping. */
    private record Pong(WsConnection connection, byte[] payload) implements Item {
    }

    /** A connection's close frame, behind what it queued before. */
    private record Close(WsConnection connection, CloseCode code) implements Item {
    }

    private final EventLoop loop;
    private final FlushPacer pacer;
    private final TransportMetrics metrics;
    private final Queue<Item> queue = PlatformDependent.newMpscQueue();
    // Replies and pongs: written before anything in the queue, so a burst of fan-out never holds
    // back an ack. Nothing here must keep an order with room events (see enqueueReply).
    private final Queue<Item> replies = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong fanOutBytes = new AtomicLong();
    // Connections seen congested, until they drain; each at most once (WsConnection.congestionSeen).
    private final Queue<WsConnection> congested = new ConcurrentLinkedQueue<>();
    private final Runnable flushTask = this::flushDeferred;
    // Loop-confined from here on.
    private final List<WsConnection> dirty = new ArrayList<>();    // written in this run
    private final List<WsConnection> deferred = new ArrayList<>(); // written, waiting for the timer
    private final List<WsConnection> urgent = new ArrayList<>();   // written a reply: flushed this run
    private boolean flushScheduled;
    private byte[] framedUtf8;
    private ByteBuf framed;
    // The same message deflated, for connections that negotiated permessage-deflate (null: not
    // smaller, sent plain); made at most once per message and run, and only when one of them is written.
    private byte[] deflatedUtf8;
    private ByteBuf deflated;
    private MessageDeflater deflater; // made on the first compressed write

    OutboundLane(EventLoop loop, FlushPacing pacing, TransportMetrics metrics) {
        this.loop = loop;
        this.pacer = new FlushPacer(pacing.baseNanos(), pacing.maxNanos(), pacing.flushesPerSecond(),
                loop.ticker().nanoTime());
        this.metrics = metrics;
    }

    /** The interval a busy socket's fan-out waits now, in nanoseconds. */
    long flushIntervalNanos() {
        return pacer.intervalNanos();
    }

    /** Queues a frame for {@code connection}, whose channel must belong to this lane's loop. */
    void enqueue(WsConnection connection, byte[] utf8) {
        offer(new One(connection, utf8));
    }

    /**
     * Queues a reply (ack or error) for {@code connection}, ahead of the fan-out queued before it. A
     * reply keeps no order with room events: events a subscribe ack must precede are held until
     * after it is queued, and an event is never queued before the ack of its own broadcast.
     */
    void enqueueReply(WsConnection connection, byte[] utf8) {
        offer(replies, new One(connection, utf8));
    }

    /** Queues a pong carrying {@code payload} for {@code connection}, of this lane's loop; like a reply. */
    void enqueuePong(WsConnection connection, byte[] payload) {
        offer(replies, new Pong(connection, payload));
    }

    /** Queues one frame for {@code connections}, all of this lane's loop. */
    void enqueueAll(List<WsConnection> connections, byte[] utf8) {
        fanOutBytes.addAndGet(utf8.length);
        offer(new Many(connections, utf8));
    }

    /** Queues {@code connection}'s close frame behind what it has queued already. */
    void enqueueClose(WsConnection connection, CloseCode code) {
        offer(new Close(connection, code));
    }

    private void offer(Item item) {
        offer(queue, item);
    }

    private void offer(Queue<Item> to, Item item) {
        to.offer(item);
        if (scheduled.compareAndSet(false, true)) {
            loop.execute(this);
        }
    }

    /** Items queued and not yet written. */
    int depth() {
        return queue.size() + replies.size();
    }

    /** Watches {@code connection} until it is no longer congested, then tells it (on the loop). */
    void watchCongestion(WsConnection connection) {
        congested.add(connection);
        if (scheduled.compareAndSet(false, true)) {
            loop.execute(this);
        }
    }

    /** Stops watching {@code connection}, whose channel closed: nothing here keeps it reachable. */
    void forgetCongested(WsConnection connection) {
        congested.remove(connection);
    }

    /** True while the fan-out queued here passes {@link #BACKLOG_BYTES}. */
    boolean backlogged() {
        return fanOutBytes.get() > BACKLOG_BYTES;
    }

    @Override
    public void run() {
        scheduled.set(false); // first: a frame queued from now on schedules another run
        int frames = 0;
        long bytes = 0;
        try {
            Item next;
            while (frames < MAX_PER_RUN && (next = next()) != null) {
                switch (next) {
                    case One one -> {
                        if (one.connection().admitQueued(one.utf8())) {
                            write(one.connection(), one.utf8());
                            urgent.add(one.connection());
                            frames++;
                            bytes += one.utf8().length;
                        }
                    }
                    case Many many -> {
                        fanOutBytes.addAndGet(-many.utf8().length);
                        for (WsConnection connection : many.connections()) {
                            if (connection.admitFanOut(many.utf8().length)) {
                                write(connection, many.utf8());
                                frames++;
                                bytes += many.utf8().length;
                            }
                        }
                    }
                    case Pong pong -> {
                        if (pong.connection().admitQueued(pong.payload())) {
                            writeOwn(pong.connection(), TextFrames.pong(pong.connection().allocator(), pong.payload()));
                            urgent.add(pong.connection());
                            frames++;
                            bytes += pong.payload().length;
                        }
                    }
                    case Close close -> close.connection().writeClose(close.code());
                }
            }
        } finally {
            if (framed != null) {
                framed.release();
                framed = null;
                framedUtf8 = null;
            }
            if (deflated != null) {
                deflated.release();
            }
            deflated = null;
            deflatedUtf8 = null;
        }
        metrics.framesOut(frames, bytes);
        if ((!queue.isEmpty() || !replies.isEmpty()) && scheduled.compareAndSet(false, true)) {
            loop.execute(this);
        }
        flushUrgent();
        flushOrDefer();
        checkCongested();
    }

    /** The next item: any reply first, else the oldest of the rest. */
    private Item next() {
        Item reply = replies.poll();
        return reply != null ? reply : queue.poll();
    }

    /** Tells the connections that were congested and no longer are; keeps watching the others. */
    private void checkCongested() {
        for (int n = congested.size(); n > 0; n--) {
            WsConnection connection = congested.poll();
            if (connection == null) {
                return;
            }
            if (!connection.checkDrained()) {
                congested.add(connection); // still behind: looked at again after the next run
            }
        }
    }

    /** Writes {@code utf8} framed once per run for all its recipients: retained duplicates of one buffer. */
    private void write(WsConnection connection, byte[] utf8) {
        if (connection.deflate() && utf8.length >= MessageDeflater.MIN_BYTES) {
            if (utf8 != deflatedUtf8) {
                if (deflated != null) {
                    deflated.release();
                }
                deflated = deflate(connection, utf8);
                deflatedUtf8 = utf8;
            }
            if (deflated != null) {
                writeOwn(connection, deflated.retainedDuplicate());
                return;
            }
        }
        if (utf8 != framedUtf8) {
            if (framed != null) {
                framed.release();
            }
            framed = TextFrames.frame(connection.allocator(), utf8);
            framedUtf8 = utf8;
        }
        writeOwn(connection, framed.retainedDuplicate());
    }

    /** {@code utf8} deflated and framed, or null when compressing it would not make it smaller. */
    private ByteBuf deflate(WsConnection connection, byte[] utf8) {
        if (deflater == null) {
            deflater = new MessageDeflater();
        }
        int length = deflater.deflate(utf8);
        return length < 0 ? null : TextFrames.deflatedFrame(connection.allocator(), deflater.output(), length);
    }

    /** Writes {@code frame} (the caller's reference) to {@code connection}'s socket, to be flushed. */
    private void writeOwn(WsConnection connection, ByteBuf frame) {
        connection.writeFramed(frame);
        if (connection.markDirty()) {
            dirty.add(connection);
        }
    }

    /**
     * Replies and direct messages (one frame for one connection) are few and someone waits for each:
     * their sockets are flushed at once, whatever the interval; only fan-out waits for the timer.
     */
    private void flushUrgent() {
        if (urgent.isEmpty()) {
            return;
        }
        flushAll(urgent, loop.ticker().nanoTime());
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
        long interval = pacer.intervalNanos();
        int flushed = 0;
        for (WsConnection connection : dirty) {
            if (interval == 0 || now - connection.lastFlushNanos() >= interval) {
                flushed += connection.flushQueued(now) ? 1 : 0;
            } else {
                deferred.add(connection);
            }
        }
        dirty.clear();
        counted(flushed, now);
        if (!deferred.isEmpty() && !flushScheduled) {
            flushScheduled = true;
            loop.schedule(flushTask, interval, TimeUnit.NANOSECONDS);
        }
    }

    private void flushDeferred() {
        flushScheduled = false;
        flushAll(deferred, loop.ticker().nanoTime());
    }

    /** Flushes every socket of {@code connections} written since its last flush; empties the list. */
    private void flushAll(List<WsConnection> connections, long now) {
        int flushed = 0;
        for (WsConnection connection : connections) {
            flushed += connection.flushQueued(now) ? 1 : 0;
        }
        connections.clear();
        counted(flushed, now);
    }

    /** Tells the pacer and the metrics of {@code flushed} socket flushes at {@code now}. */
    private void counted(int flushed, long now) {
        pacer.flushed(flushed, now);
        metrics.flushes(flushed);
    }
}
