package dev.gamestate.transport;

/**
 * A per-connection token bucket: {@code rate} requests a second, bursts up to {@code rate}. Used only
 * on the connection's event loop, so it needs no locking and allocates nothing per request.
 */
final class RateLimiter {

    private final double ratePerNano;
    private final double capacity;
    private double tokens;
    private long lastNanos;
    private int violationsInARow;

    RateLimiter(int perSecond, long nowNanos) {
        this.ratePerNano = perSecond / 1e9;
        this.capacity = perSecond;
        this.tokens = perSecond;
        this.lastNanos = nowNanos;
    }

    /** Takes one token; 0 when granted, else the milliseconds until one is available. */
    long acquire(long nowNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * ratePerNano);
        lastNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            violationsInARow = 0;
            return 0;
        }
        violationsInARow++;
        return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerNano / 1e6));
    }

    /** Refusals since the last granted request. */
    int violationsInARow() {
        return violationsInARow;
    }
}
