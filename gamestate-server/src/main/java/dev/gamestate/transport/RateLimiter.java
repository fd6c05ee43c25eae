package dev.gamestate.transport;

/**
 * A per-connection token bucket, and the judge of abuse. Every frame the client sends takes a token
 * (a request, a ping or pong, each fragment after a message's first): {@code rate} a second, bursts
 * up to {@code rate}. Refusals are counted over a sliding window of {@link #WINDOW_NANOS}; a client
 * refused {@code maxRefusals} times within it is abusive, however it spaces its frames (a granted
 * frame between refusals forgives nothing). Used only on the connection's event loop, so it needs no
 * locking and allocates nothing per frame.
 */
final class RateLimiter {

    /** The window over which refusals are counted. */
    static final long WINDOW_NANOS = 10_000_000_000L;

    private final double ratePerNano;
    private final double capacity;
    private final int maxRefusals;
    private double tokens;
    private long lastNanos;
    // A sliding-window counter: refusals of the window that started at windowStart and of the one
    // before it; the earlier one counts in proportion to how much of it the sliding window still covers.
    private long windowStart;
    private int refusedBefore;
    private int refusedNow;

    RateLimiter(int perSecond, int maxRefusals, long nowNanos) {
        this.ratePerNano = perSecond / 1e9;
        this.capacity = perSecond;
        this.maxRefusals = maxRefusals;
        this.tokens = perSecond;
        this.lastNanos = nowNanos;
        this.windowStart = nowNanos;
    }

    /** Takes one token; 0 when granted, else the milliseconds until one is available (a refusal). */
    long acquire(long nowNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * ratePerNano);
        lastNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        roll(nowNanos);
        refusedNow++;
        return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerNano / 1e6));
    }

    /** True once {@code maxRefusals} refusals fall within the last {@link #WINDOW_NANOS}. */
    boolean abusive(long nowNanos) {
        return recentRefusals(nowNanos) >= maxRefusals;
    }

    /** Refusals within the window ending at {@code nowNanos} (the sliding-window estimate). */
    double recentRefusals(long nowNanos) {
        roll(nowNanos);
        double coveredOfBefore = 1 - (double) (nowNanos - windowStart) / WINDOW_NANOS;
        return refusedBefore * coveredOfBefore + refusedNow;
    }

    private void roll(long nowNanos) {
        long elapsed = nowNanos - windowStart;
        if (elapsed >= 2 * WINDOW_NANOS) {
            refusedBefore = 0;
            refusedNow = 0;
            windowStart = nowNanos;
        } else if (elapsed >= WINDOW_NANOS) {
            refusedBefore = refusedNow;
            refusedNow = 0;
            windowStart += WINDOW_NANOS;
        }
    }
}
