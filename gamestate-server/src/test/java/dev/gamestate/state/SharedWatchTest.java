package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedWatchTest {

    private final RecordingWatchListener listener = new RecordingWatchListener();
    private final SharedWatch watch = new SharedWatch(WatchRange.prefix("a/"), 1, listener, null);

    @Test
    void oneRevisionsKeysComeInKeyOrderWhateverOrderTheTransactionListedThem() {
        watch.deliver(List.of(put("a/3", 5), put("a/1", 5), put("a/2", 5), put("a/0", 6)));

        assertThat(listener.keys).containsExactly("a/1", "a/2", "a/3", "a/0");
    }

    @Test
    void aResumedWatchDropsWhatItDeliveredByRevisionAndKeyNotByRevisionAlone() {
        watch.deliver(List.of(put("a/1", 5)));
        // Resumed at revision 5 inclusive: etcd sends 5's keys again, one of them not delivered before.
        watch.deliver(List.of(put("a/1", 5), put("a/2", 5), put("a/3", 6)));
        watch.deliver(List.of(put("a/0", 4)));

        assertThat(listener.keys).containsExactly("a/1", "a/2", "a/3");
    }

    @Test
    void anEndedWatchDeliversNothingMore() {
        watch.end(new WatchEnd.Compacted(9));
        watch.deliver(List.of(put("a/1", 10)));
        watch.end(new WatchEnd.Compacted(9));

        assertThat(listener.ends).containsExactly(new WatchEnd.Compacted(9));
        assertThat(listener.keys).isEmpty();
    }

    @Test
    void aWatchOfChangesGetsPutsAndDeletesInRevisionOrderEachOnce() {
        RecordingChangeListener changes = new RecordingChangeListener();
        SharedWatch both = new SharedWatch(WatchRange.prefix("a/"), 1, true, changes, null);

        both.deliver(List.of(new WatchedDelete("a/1", 7), put("a/1", 5), put("a/2", 7)));
        // Resumed at 7, inclusive: 7's changes come again.
        both.deliver(List.of(new WatchedDelete("a/1", 7), put("a/2", 7), new WatchedDelete("a/2", 8)));

        assertThat(changes.changes).extracting(c -> c.getClass().getSimpleName() + " " + c.key() + "@" + c.modRevision())
                .containsExactly("WatchedPut a/1@5", "WatchedDelete a/1@7", "WatchedPut a/2@7", "WatchedDelete a/2@8");
    }

    private static WatchedPut put(String key, long revision) {
        return new WatchedPut(key, new byte[0], revision);
    }

    @Test
    void aPrefixRangeEndsAtThePrefixWithItsLastByteRaised() {
        assertThat(WatchRange.prefix("a/").end().toStringUtf8()).isEqualTo("a0");
        assertThat(WatchRange.prefixEnd(ByteString.copyFrom(new byte[] {'a', (byte) 0xff})))
                .isEqualTo(ByteString.copyFromUtf8("b"));
    }

    @Test
    void anEmptyRangeIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> WatchRange.of("b", "a"));
    }
}
