package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@link RoomLog} on jetcd's KV client, read in pages of 128 keys. */
final class EtcdRoomLog implements RoomLog {

    private static final int LOG_PAGE = 128;

    private final Etcd etcd;

    EtcdRoomLog(Etcd etcd) {
        this.etcd = etcd;
    }

    @Override
    public CompletableFuture<List<Entry>> read(Namespace ns, String room, long from, long to) {
        List<Entry> entries = new ArrayList<>();
        // A key holds up to MAX_RUN events from its seq on: the first one wanted may be in an earlier key.
        long firstKey = Math.max(0, from - LogEntries.MAX_RUN + 1);
        return readPage(ns, room, firstKey, from, to, entries).thenApply(v -> entries);
    }

    private CompletableFuture<Void> readPage(Namespace ns, String room, long firstKey, long from, long to,
                                             List<Entry> into) {
        if (firstKey > to) {
            return CompletableFuture.completedFuture(null);
        }
        ByteSequence start = Keys.bytes(etcd.keys().roomEvent(ns, room, firstKey));
        GetOption range = GetOption.builder()
                .withRange(Keys.bytes(etcd.keys().roomEvent(ns, room, to + 1)))
                .withLimit(LOG_PAGE)
                .build();
        return etcd.call(EtcdOp.RANGE, () -> etcd.kv().get(start, range)).thenCompose(r -> {
            long lastKey = -1;
            for (KeyValue kv : r.getKvs()) {
                lastKey = seqOf(kv.getKey());
                for (Entry entry : LogEntries.entries(lastKey, kv.getValue().getBytes())) {
                    if (entry.seq() >= from && entry.seq() <= to) {
                        into.add(entry);
                    }
                }
            }
            if (!r.isMore() || lastKey < 0) {
                return CompletableFuture.completedFuture(null);
            }
            return readPage(ns, room, lastKey + 1, from, to, into);
        });
    }

    private static long seqOf(ByteSequence key) {
        String text = key.toString(StandardCharsets.UTF_8);
        return Long.parseLong(text.substring(text.lastIndexOf('/') + 1));
    }
}
