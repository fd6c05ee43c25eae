package dev.gamestate.transport;

import java.time.Duration;

/**
 * How lanes consolidate fan-out flushes: the base interval ({@code server.flushInterval}), the most
 * it may grow to under load ({@code server.maxFlushInterval}) and the flushes per second per event
 * loop past which it grows ({@code server.flushesPerSecond}). See {@link FlushPacer}.
 */
record FlushPacing(long baseNanos, long maxNanos, long flushesPerSecond) {

    /** The pacing of the given config values. */
    static FlushPacing of(Duration base, Duration max, int flushesPerSecond) {
        return new FlushPacing(base.toNanos(), max.toNanos(), flushesPerSecond);
    }

    /** A fixed interval, never growing. */
    static FlushPacing fixed(Duration interval) {
        return new FlushPacing(interval.toNanos(), interval.toNanos(), Integer.MAX_VALUE);
    }
}
