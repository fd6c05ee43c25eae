package dev.gamestate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One room of the ceiling server: its seq and its subscribers, grouped by the outbox of their event
 * loop. Publishing takes the next seq, encodes the event once, WebSocket frame header included, and
 * hands it to each outbox, all under
 * the room's lock, so every subscriber gets the room's events in seq order. In memory only.
 */
final class CeilingRoom {

    private static final byte[] TAIL = FrameScanner.ascii("}}");

    private final String name;
    private final Map<CeilingOutbox, List<CeilingSession>> subscribers = new IdentityHashMap<>();
    /** Copy-on-write view of {@link #subscribers}, rebuilt when it changes. */
    private Map<CeilingOutbox, CeilingSession[]> recipients = Map.of();
    private long seq;

    CeilingRoom(String name) {
        this.name = name;
    }

    /** Adds {@code session}; returns the seq it is current to (events after it will reach it). */
    synchronized long subscribe(CeilingSession session) {
        List<CeilingSession> group = subscribers.computeIfAbsent(session.outbox(), o -> new ArrayList<>());
        if (!group.contains(session)) {
            group.add(session);
            rebuild();
        }
        return seq;
    }

    /** Removes {@code session}, if present. */
    synchronized void unsubscribe(CeilingSession session) {
        List<CeilingSession> group = subscribers.get(session.outbox());
        if (group != null && group.remove(session)) {
            if (group.isEmpty()) {
                subscribers.remove(session.outbox());
            }
            rebuild();
        }
    }

    /**
     * Appends a broadcast by {@code userId} carrying {@code data} (a JSON value's bytes) and fans it out;
     * returns its seq.
     */
    synchronized long publish(ByteBufAllocator alloc, String userId, ByteBuf data) {
        long next = ++seq;
        byte[] head = FrameScanner.ascii("{\"type\":\"core.game.state.broadcast\",\"id\":\"" + name + "-" + next
                + "\",\"namespace\":\"guest\",\"userId\":\"" + userId + "\",\"room\":\"" + name + "\",\"seq\":" + next
                + ",\"payload\":{\"data\":");
        int length = head.length + data.readableBytes() + TAIL.length;
        ByteBuf event = alloc.directBuffer(10 + length);
        writeTextFrameHeader(event, length);
        event.writeBytes(head);
        event.writeBytes(data, data.readerIndex(), data.readableBytes());
        event.writeBytes(TAIL);
        recipients.forEach((outbox, sessions) -> outbox.enqueue(event.retain(), sessions));
        event.release();
        return next;
    }

    /** An unmasked, final WebSocket text frame header (RFC 6455 §5.2) for {@code length} payload bytes. */
    private static void writeTextFrameHeader(ByteBuf out, int length) {
        out.writeByte(0x81);
        if (length < 126) {
            out.writeByte(length);
        } else if (length < 65_536) {
            out.writeByte(126);
            out.writeShort(length);
        } else {
            out.writeByte(127);
            out.writeLong(length);
        }
    }

    private void rebuild() {
        Map<CeilingOutbox, CeilingSession[]> copy = new IdentityHashMap<>();
        subscribers.forEach((outbox, group) -> copy.put(outbox, group.toArray(CeilingSession[]::new)));
        recipients = copy;
    }
}
