package dev.gamestate.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void anIdIsThirteenDigitsOfMillisATagAndASixDigitHexCounterAndIdsSortInOrderMade() {
        EventIds ids = new EventIds(Clock.fixed(Instant.ofEpochMilli(1_764_072_000_123L), ZoneOffset.UTC));

        String first = ids.next();
        String second = ids.next();

        assertThat(first).matches("1764072000123-[0-9a-f]{8}-000000");
        assertThat(second).endsWith("-000001");
        assertThat(first).isLessThan(second);
        assertThat(new EventIds(Clock.fixed(Instant.ofEpochMilli(5), ZoneOffset.UTC)).next())
                .startsWith("0000000000005-");
    }
}
