package dev.gamestate.transport;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The server's lanes, one per event loop, made when a loop's first connection opens. */
final class OutboundLanes {

    private final FlushPacing pacing;
    private final TransportMetrics metrics;
    private final Map<EventLoop, OutboundLane> lanes = new ConcurrentHashMap<>();

    OutboundLanes(FlushPacing pacing, TransportMetrics metrics) {
        this.pacing = pacing;
        this.metrics = metrics;
        metrics.outboundQueue(this::depth);
        metrics.flushInterval(this::longestFlushIntervalNanos);
    }

    /** Lanes with a fixed flush interval. */
    OutboundLanes(Duration flushInterval, TransportMetrics metrics) {
        this(FlushPacing.fixed(flushInterval), metrics);
    }

    /** The lane of {@code loop}. */
    OutboundLane of(EventLoop loop) {
        return lanes.computeIfAbsent(loop, l -> new OutboundLane(l, pacing, metrics));
    }

    /** The longest flush interval any lane uses now. */
    long longestFlushIntervalNanos() {
        long longest = 0;
        for (OutboundLane lane : lanes.values()) {
            longest = Math.max(longest, lane.flushIntervalNanos());
        }
        return longest;
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
