package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The token bucket and the sliding window of refusals, on a clock the test holds (nanoseconds):
 * {@code rate} tokens a second in bursts of {@code rate}, and abuse judged by the refusals of the last
 * 10 s however the client spaces its frames.
 */
class RateLimiterTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long MILLI = 1_000_000L;

    @Test
    void aBurstOfTheRateIsGrantedAndTheNextFrameIsToldWhenATokenComes() {
        RateLimiter limiter = new RateLimiter(10, 5, 0);
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.acquire(0)).as("frame %d", i).isZero();
        }

        assertThat(limiter.acquire(0)).as("milliseconds until the next token").isEqualTo(100);
        assertThat(limiter.acquire(100 * MILLI)).as("a token a tenth of a second later").isZero();
        assertThat(limiter.acquire(100 * MILLI)).isEqualTo(100);
    }

    @Test
    void tokensRefillUpToTheBurstOnly() {
        RateLimiter limiter = new RateLimiter(10, 5, 0);
        for (int i = 0; i < 10; i++) {
            limiter.acquire(0);
        }

        long later = 60 * SECOND;
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.acquire(later)).isZero();
        }
        assertThat(limiter.acquire(later)).isPositive();
    }

    @Test
    void aClientRefusedMaxRefusalsTimesWithinTheWindowIsAbusive() {
        RateLimiter limiter = new RateLimiter(10, 5, 0);
        refusals(limiter, 0, 4);
        assertThat(limiter.abusive(0)).isFalse();

        refusals(limiter, 0, 1);

        assertThat(limiter.abusive(0)).isTrue();
    }

    @Test
    void aGrantedFrameBetweenRefusalsForgivesNothing() {
        RateLimiter limiter = new RateLimiter(10, 5, 0);
        long t = 0;
        for (int i = 0; i < 5; i++) {
            refusals(limiter, t, 1);
            t += 100 * MILLI;
            assertThat(limiter.acquire(t)).as("a frame let through now and then").isZero();
        }

        assertThat(limiter.abusive(t)).isTrue();
    }

    @Test
    void refusalsJustBeforeAWindowBoundaryStillCountAfterIt() {
        RateLimiter limiter = new RateLimiter(10, 5, 0);
        refusals(limiter, 9 * SECOND, 4);

        refusals(limiter, 11 * SECOND, 1);
        assertThat(limiter.recentRefusals(11 * SECOND)).as("9/10 of the earlier window's four, and one")
                .isCloseTo(4.6, Offset.offset(1e-9));
        assertThat(limiter.abusive(11 * SECOND)).isFalse();
        refusals(limiter, 11 * SECOND, 1);

        assertThat(limiter.abusive(11 * SECOND)).isTrue();
    }

    @Test
    void refusalsSpreadOverMoreThanTheWindowAreNotAbuse() {
        RateLimiter limiter = new RateLimiter(10, 5, 0);
        long t = 0;
        for (int i = 0; i < 20; i++) {
            refusals(limiter, t, 1);
            assertThat(limiter.abusive(t)).as("refusal %d at %d s", i, t / SECOND).isFalse();
            t += 3 * SECOND;
        }
    }

    @Test
    void aClientPacedAtItsRateAfterAFullBurstIsNeverRefused() {
        RateLimiter limiter = new RateLimiter(10, 1, 0);
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.acquire(0)).isZero();
        }

        for (long t = 100 * MILLI; t <= 100 * SECOND; t += 100 * MILLI) {
            assertThat(limiter.acquire(t)).as("at %d ms", t / MILLI).isZero();
        }
        assertThat(limiter.recentRefusals(100 * SECOND)).isZero();
    }

    /** Spends every token at {@code t}, then is refused until {@code n} refusals were counted there. */
    private static void refusals(RateLimiter limiter, long t, int n) {
        int refused = 0;
        while (refused < n) {
            if (limiter.acquire(t) > 0) {
                refused++;
            }
        }
    }
}
