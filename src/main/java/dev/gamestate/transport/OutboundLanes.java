package dev.gamestate.transport;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The server's lanes, one per event loop, made when a loop's first connection opens. */
final class OutboundLanes {

    private final long flushIntervalNanos;
    private final TransportMetrics metrics;
    private final Map<EventLoop, OutboundLane> lanes = new ConcurrentHashMap<>();

    OutboundLanes(Duration flushInterval, TransportMetrics metrics) {
        this.flushIntervalNanos = flushInterval.toNanos();
        this.metrics = metrics;
        metrics.outboundQueue(this::depth);
    }

    /** The lane of {@code loop}. */
    OutboundLane of(EventLoop loop) {
        return lanes.computeIfAbsent(loop, l -> new OutboundLane(l, flushIntervalNanos, metrics));
    }

    /** Frames queued in all lanes and not yet written to their sockets. */
    int depth() {
        int depth = 0;
        for (OutboundLane lane : lanes.values()) {
            depth += lane.depth();
        }
        return depth;
    }
}
