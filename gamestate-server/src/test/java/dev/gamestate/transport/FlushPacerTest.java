package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The flush interval follows the lane's flush rate, between the base and the maximum. */
class FlushPacerTest {

    private static final long MS = 1_000_000L;
    private static final long WINDOW = FlushPacer.WINDOW_NANOS;

    @Test
    void aLaneFlushingAboveItsBudgetDoublesItsIntervalUpToTheMaximum() {
        FlushPacer pacer = new FlushPacer(2 * MS, 16 * MS, 1_000, 0);
        long now = 0;
        for (int window = 1; window <= 6; window++) {
            now += WINDOW;
            pacer.flushed(1_000, now); // 20,000 a second, budget 1,000
        }
        assertThat(pacer.intervalNanos()).isEqualTo(16 * MS);
    }

    @Test
    void theIntervalHoldsBetweenAQuarterOfTheBudgetAndTheBudget() {
        FlushPacer pacer = new FlushPacer(2 * MS, 16 * MS, 1_000, 0);
        pacer.flushed(100, WINDOW); // 2,000 a second: doubles once
        assertThat(pacer.intervalNanos()).isEqualTo(4 * MS);

        pacer.flushed(25, 2 * WINDOW); // 500 a second: within [250, 1,000]
        assertThat(pacer.intervalNanos()).isEqualTo(4 * MS);
    }

    @Test
    void aQuietLaneFallsBackToTheBaseInterval() {
        FlushPacer pacer = new FlushPacer(2 * MS, 16 * MS, 1_000, 0);
        long now = 0;
        for (int window = 1; window <= 3; window++) {
            now += WINDOW;
            pacer.flushed(1_000, now);
        }
        assertThat(pacer.intervalNanos()).isEqualTo(16 * MS);

        for (int window = 1; window <= 3; window++) {
            now += WINDOW;
            pacer.flushed(1, now);
        }
        assertThat(pacer.intervalNanos()).isEqualTo(2 * MS);
    }

    @Test
    void aLaneIdleForLongIsJudgedByItsRateNotItsCount() {
        FlushPacer pacer = new FlushPacer(2 * MS, 16 * MS, 1_000, 0);
        pacer.flushed(200, 10_000 * MS); // 200 over ten seconds after a long idle: 20 a second
        assertThat(pacer.intervalNanos()).isEqualTo(2 * MS);
    }

    @Test
    void aMaximumNotAboveTheBaseKeepsTheIntervalFixed() {
        FlushPacer pacer = new FlushPacer(2 * MS, 2 * MS, 1, 0);
        pacer.flushed(1_000_000, WINDOW);
        assertThat(pacer.intervalNanos()).isEqualTo(2 * MS);
    }

    @Test
    void aZeroBaseGrowsFromOneMillisecondUnderLoad() {
        FlushPacer pacer = new FlushPacer(0, 8 * MS, 1_000, 0);
        assertThat(pacer.intervalNanos()).isZero();
        pacer.flushed(1_000, WINDOW);
        assertThat(pacer.intervalNanos()).isEqualTo(MS);
    }
}
