package dev.gamestate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's outgoing room events in the ceiling server. Rooms hand an encoded event and the
 * loop's subscribers of that room to {@link #enqueue}, from any thread; every tick the loop writes
 * each event to each of them as a retained duplicate of one encoded WebSocket frame (it passes the
 * frame encoder untouched) and then flushes
 * every session it wrote to once. Events of one room are enqueued in seq order under the room's lock,
 * and one queue per loop keeps that order per subscriber.
 */
final class CeilingOutbox {

    private record Pending(ByteBuf event, CeilingSession[] recipients) {
    }

    private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final List<CeilingSession> dirty = new ArrayList<>();

    /** An outbox for {@code loop}, drained every {@code tickNanos}. */
    CeilingOutbox(EventLoop loop, long tickNanos) {
        loop.scheduleAtFixedRate(this::drain, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    }

    /** Queues {@code event} (this takes over one reference) for {@code recipients}; any thread. */
    void enqueue(ByteBuf event, CeilingSession[] recipients) {
        pending.add(new Pending(event, recipients));
    }

    /** Notes that {@code session} has unflushed writes; runs on this outbox's loop. */
    private void markDirty(CeilingSession session) {
        if (!session.dirty) {
            session.dirty = true;
            dirty.add(session);
        }
    }

    private void drain() {
        Pending next;
        while ((next = pending.poll()) != null) {
            for (CeilingSession session : next.recipients()) {
                if (session.channel().isActive()) {
                    session.channel().write(next.event().retainedDuplicate());
                    markDirty(session);
                }
            }
            next.event().release();
        }
        for (CeilingSession session : dirty) {
            session.dirty = false;
            session.channel().flush();
        }
        dirty.clear();
    }
}
