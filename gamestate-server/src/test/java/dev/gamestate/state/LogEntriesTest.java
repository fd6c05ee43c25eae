package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A log key's value: one frame, or a run of frames that splits back into exactly what was written. */
class LogEntriesTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void aSingleFrameIsStoredAsItselfAndReadAsOneEntry() {
        byte[] frame = bytes("{\"type\":\"x\",\"seq\":7}");
        byte[] value = LogEntries.value(List.of(frame), 0, 1);

        assertThat(value).isSameAs(frame);
        assertThat(LogEntries.entries(7, value)).singleElement()
                .satisfies(e -> assertThat(e.seq()).isEqualTo(7))
                .satisfies(e -> assertThat(text(e.frame())).isEqualTo("{\"type\":\"x\",\"seq\":7}"));
    }

    @Test
    void aRunSplitsBackIntoItsFramesWithConsecutiveSeqsWhateverTheirStringsHold() {
        List<byte[]> frames = List.of(
                bytes("{\"a\":\"}\"}"),
                bytes("{\"b\":\"\\\"]\",\"n\":[1,{\"c\":[]}]}"),
                bytes("{\"d\":\"\\\\\"}"),
                bytes("{\"e\":\"é, {[\"}"));
        byte[] value = LogEntries.value(frames, 1, 4);

        assertThat(text(value)).startsWith("[{\"b\"").endsWith("}]");
        List<RoomLog.Entry> entries = LogEntries.entries(41, value);
        assertThat(entries).extracting(RoomLog.Entry::seq).containsExactly(41L, 42L, 43L);
        assertThat(entries).extracting(e -> text(e.frame()))
                .containsExactly(text(frames.get(1)), text(frames.get(2)), text(frames.get(3)));
    }

    @Test
    void whitespaceAroundFramesIsAllowed() {
        assertThat(LogEntries.entries(1, bytes(" [ {\"a\":1} ,\n{\"b\":2} ] "))).extracting(e -> text(e.frame()))
                .containsExactly("{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void aValueThatIsNeitherAFrameNorARunIsRefused() {
        assertThatThrownBy(() -> LogEntries.entries(1, bytes("42"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogEntries.entries(1, bytes(""))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogEntries.entries(1, bytes("[1]"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogEntries.entries(1, bytes("[{\"a\":1}"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogEntries.entries(1, bytes("[{\"a\":\"}]"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogEntries.entries(1, bytes("[]"))).isInstanceOf(IllegalArgumentException.class);
    }
}
