package dev.gamestate.bench;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The ceiling server's rooms by name, and one {@link CeilingOutbox} per event loop. */
final class CeilingRooms {

    private final Map<String, CeilingRoom> rooms = new ConcurrentHashMap<>();
    private final Map<EventExecutor, CeilingOutbox> outboxes = new IdentityHashMap<>();

    /** Rooms served by {@code group}'s loops, each flushing every {@code tickNanos}. */
    CeilingRooms(EventLoopGroup group, long tickNanos) {
        for (EventExecutor loop : group) {
            outboxes.put(loop, new CeilingOutbox((EventLoop) loop, tickNanos));
        }
    }

    /** The room called {@code name}, made on first use. */
    CeilingRoom room(String name) {
        return rooms.computeIfAbsent(name, CeilingRoom::new);
    }

    /** The outbox of {@code loop}, one of the group's. */
    CeilingOutbox outbox(EventExecutor loop) {
        CeilingOutbox outbox = outboxes.get(loop);
        if (outbox == null) {
            throw new IllegalStateException("not a loop of this server: " + loop);
        }
        return outbox;
    }
}
