package dev.gamestate.transport;

/**
 * Chooses how long a lane lets a busy socket's fan-out wait before it is flushed, from how often the
 * lane flushes. Each flush of a socket is a {@code writev} that also runs the receiving side of the
 * loopback or the NIC's send path; with a thousand busy sockets per loop, one flush per delivery
 * takes the loop's whole core (W1 in docs/benchmarks.md). So: while the lane flushes more than its
 * budget per second, the interval doubles (up to the maximum); once it flushes less than a quarter of
 * the budget, it halves again (down to the configured base). Between the two the interval holds, so a
 * doubling (which at most halves the flush rate) never flips straight back.
 *
 * <p>Latency stays bounded: a delivery waits at most the current interval, and a socket that was idle
 * for longer than the interval is still flushed at once (see {@link OutboundLane}). Confined to the
 * lane's loop; time is the loop's clock.
 */
final class FlushPacer {

    /** How often the rate is judged. Short enough to follow a burst, long enough to count a few ticks. */
    static final long WINDOW_NANOS = 50_000_000L;

    private final long baseNanos;
    private final long maxNanos;
    private final long budgetPerWindow;
    private volatile long intervalNanos; // written on the loop, read by the metrics gauge
    private long windowStart;
    private long flushes;

    /**
     * A pacer between {@code baseNanos} and {@code maxNanos}, doubling above {@code flushesPerSecond};
     * pacing is off (always the base) when the maximum is not above the base.
     */
    FlushPacer(long baseNanos, long maxNanos, long flushesPerSecond, long nowNanos) {
        this.baseNanos = baseNanos;
        this.maxNanos = Math.max(baseNanos, maxNanos);
        this.budgetPerWindow = Math.max(1, flushesPerSecond * WINDOW_NANOS / 1_000_000_000L);
        this.intervalNanos = baseNanos;
        this.windowStart = nowNanos;
    }

    /** The interval a busy socket's fan-out waits now. */
    long intervalNanos() {
        return intervalNanos;
    }

    /** Counts {@code count} socket flushes at {@code nowNanos}; may move the interval. */
    void flushed(int count, long nowNanos) {
        flushes += count;
        long elapsed = nowNanos - windowStart;
        if (elapsed < WINDOW_NANOS) {
            return;
        }
        // Scaled to one window: a lane idle for a second and then busy is judged by its rate.
        long perWindow = flushes * WINDOW_NANOS / elapsed;
        if (perWindow > budgetPerWindow && intervalNanos < maxNanos) {
            intervalNanos = Math.min(maxNanos, Math.max(2 * intervalNanos, 1_000_000L));
        } else if (perWindow < budgetPerWindow / 4 && intervalNanos > baseNanos) {
            intervalNanos = Math.max(baseNanos, intervalNanos / 2);
        }
        windowStart = nowNanos;
        flushes = 0;
    }
}
