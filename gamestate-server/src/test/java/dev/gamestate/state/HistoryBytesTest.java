package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The byte bookkeeping of a room's history: what the trim keeps, and that it never cuts a new entry. */
class HistoryBytesTest {

    private static final long MAX = 64 * 1024;

    @Test
    void smallEventsAreTrimmedByCountAlone() {
        HistoryBytes history = HistoryBytes.NONE;
        long seq = 1;
        for (int i = 0; i < 50; i++) {
            history = history.append(seq, new long[] {100, 100}, 10, MAX);
            seq += 2;
        }
        long last = seq - 1;
        assertThat(history.floor(last - 10 + 1)).isEqualTo(last - 9);
        assertThat(history.total()).isLessThanOrEqualTo(MAX);
    }

    @Test
    void bigEventsAreTrimmedByBytesWholeSegmentsAtATimeKeepingMostOfTheBound() {
        HistoryBytes history = HistoryBytes.NONE;
        for (long seq = 1; seq <= 200; seq++) {
            history = history.append(seq, new long[] {4000}, 1000, MAX);
            assertThat(history.total()).isLessThanOrEqualTo(MAX);
        }
        // 4000-byte events, segments closed at 4 KiB: each event is a segment; 16 fit.
        long floor = history.floor(200 - 1000 + 1);
        assertThat(200 - floor + 1).isEqualTo(MAX / 4000);
        assertThat(history.segments()).hasSizeLessThanOrEqualTo(HistoryBytes.SEGMENTS + 2);
    }

    @Test
    void theTrimNeverReachesTheEntriesOfTheSameAppendAndStaysBoundedWhateverTheSizes() {
        Random random = new Random(7);
        HistoryBytes history = HistoryBytes.NONE;
        long seq = 1;
        for (int round = 0; round < 2000; round++) {
            int k = 1 + random.nextInt(20);
            long[] sizes = new long[k];
            long batch = 0;
            for (int i = 0; i < k; i++) {
                sizes[i] = 1 + random.nextInt(8 * 1024);
                batch += sizes[i];
            }
            if (batch > MAX / 2) {
                sizes = new long[] {sizes[0]}; // what RoomBatch allows: one event, or up to half the bound
                k = 1;
            }
            history = history.append(seq, sizes, 300, MAX);
            long last = seq + k - 1;
            assertThat(history.floor(last - 300 + 1)).as("round %d", round).isLessThanOrEqualTo(seq);
            assertThat(history.total()).isLessThanOrEqualTo(MAX + MAX / HistoryBytes.SEGMENTS + 8 * 1024);
            assertThat(history.segments()).hasSizeLessThanOrEqualTo(2 * HistoryBytes.SEGMENTS + 2);
            seq = last + 1;
        }
    }

    @Test
    void aRoomStoredWithoutBookkeepingKeepsItsOlderEntriesUntilTheCountOrByteTrim() throws Exception {
        HistoryBytes legacy = HistoryBytes.of(new ObjectMapper().readTree("{\"seq\":500,\"state\":{}}"));
        assertThat(legacy).isEqualTo(HistoryBytes.NONE);
        HistoryBytes next = legacy.append(501, new long[] {100}, 1000, MAX);
        assertThat(next.floor(501 - 1000 + 1)).as("nothing older is trimmed").isEqualTo(1);
    }

    @Test
    void theStoredFormReadsBack() throws Exception {
        HistoryBytes history = HistoryBytes.NONE.append(1, new long[] {5000, 5000, 100, 200}, 1000, MAX);
        String stored = "{\"seq\":4,\"log\":" + history.json() + ",\"state\":{}}";
        assertThat(HistoryBytes.of(new ObjectMapper().readTree(stored))).isEqualTo(history);
        assertThat(history.json()).isEqualTo("[[1,5000],[2,5000],[3,300]]");
    }
}
