package dev.gamestate.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamestate.protocol.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventTimestampsTest {

    private static byte[] event(String timestamp, String payload) {
        return ("{\"type\":\"core.game.state.broadcast\",\"id\":\"e1\",\"namespace\":\"private\",\"userId\":\"ann\","
                + "\"timestamp\":\"" + timestamp + "\",\"room\":\"r\",\"seq\":3,\"payload\":" + payload + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTheTimestampAsTheCodecWritesItToTheMillisecond() {
        SplittableRandom random = new SplittableRandom(12);
        for (int i = 0; i < 10_000; i++) {
            // 1970 to 2400: leap years, the century rules and month ends all come up.
            Instant at = Instant.ofEpochMilli(random.nextLong(0, 13_569_465_600_000L));
            byte[] frame = event(WireCodec.TIMESTAMP.format(at), "{}");

            assertThat(EventTimestamps.epochMillis(frame)).as(at.toString()).isEqualTo(at.toEpochMilli());
        }
    }

    @Test
    void theTopLevelTimestampWinsOverOneInThePayload() {
        byte[] frame = event("2026-12-01T06:14:24.123Z", "{\"timestamp\":\"1999-01-01T00:00:00.000Z\"}");

        assertThat(EventTimestamps.epochMillis(frame))
                .isEqualTo(Instant.parse("2026-12-01T06:14:24.123Z").toEpochMilli());
    }

    @Test
    void aFrameWithoutAReadableTimestampReadsAsMinusOne() {
        assertThat(EventTimestamps.epochMillis(event("2026-12-01 06:14:24", "{}"))).isEqualTo(-1);
        assertThat(EventTimestamps.epochMillis(event("2026-13-01T06:14:24.123Z", "{}"))).isEqualTo(-1);
        assertThat(EventTimestamps.epochMillis(event("2026-12-01T06:14:2x.123Z", "{}"))).isEqualTo(-1);
        assertThat(EventTimestamps.epochMillis("{\"type\":\"x\"}".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(EventTimestamps.epochMillis("{\"timestamp\":\"2026".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(EventTimestamps.epochMillis(new byte[0])).isEqualTo(-1);
    }
}
