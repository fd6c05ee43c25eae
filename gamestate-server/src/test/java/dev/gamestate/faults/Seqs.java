package dev.gamestate.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/** What subscribers saw of a room's stream, and the checks that nothing was lost or seen twice. */
final class Seqs {

    private Seqs() {
    }

    /** The seqs of {@code frames}, in arrival order. */
    static List<Long> of(List<JsonNode> frames) {
        return frames.stream().map(f -> f.path("seq").asLong()).toList();
    }

    /** Each frame as {@code seq/eventId}: two subscribers saw the same events when these lists are equal. */
    static List<String> events(List<JsonNode> frames) {
        return frames.stream().map(f -> f.path("seq").asLong() + "/" + f.path("id").asText()).toList();
    }

    /** {@code from..to}, both included. */
    static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    /**
     * Asserts that {@code frames} (a room's frames on one connection) never skip a seq silently: each
     * event is the one after the previous frame, and a {@code snapshot} covers everything up to its
     * own seq. Returns the seq the connection is current to.
     */
    static long assertNoSilentGap(String who, long startSeq, List<JsonNode> frames) {
        long current = startSeq;
        for (JsonNode frame : frames) {
            long seq = frame.path("seq").asLong();
            if (frame.path("type").asText().equals("snapshot")) {
                assertThat(seq).as("%s: a snapshot never goes back (after %d): %s", who, current, describe(frames))
                        .isGreaterThanOrEqualTo(current);
            } else {
                assertThat(seq).as("%s: the event after seq %d: %s", who, current, describe(frames))
                        .isEqualTo(current + 1);
            }
            current = seq;
        }
        return current;
    }

    /** A short text of the room frames among {@code frames}, for failure messages. */
    static String describe(List<JsonNode> frames) {
        return frames.stream().filter(f -> f.has("seq"))
                .map(f -> (f.path("type").asText().equals("snapshot") ? "S" : "") + f.path("seq").asLong())
                .collect(Collectors.joining(",", "[", "]"));
    }
}
